//! File ▸ Copy share link: a web link that opens the map in Loopmap for the web, built on
//! the address set once in the settings (the web build uses its own).

use super::{Dialog, LoopmapApp};
use crate::io::link::{self, LinkError};

/// An address a link can be built on: http or https, with a host.
pub fn usable_address(address: &str) -> bool {
    let a = address.trim();
    ["https://", "http://"]
        .iter()
        .any(|scheme| a.strip_prefix(scheme).is_some_and(|rest| !rest.is_empty()))
        && !a.chars().any(char::is_whitespace)
}

impl LoopmapApp {
    /// The address Loopmap for the web is served from, if known.
    fn web_address(&self) -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        if let Some(here) = crate::web::page_address() {
            return Some(here);
        }
        usable_address(&self.settings.web_address).then(|| self.settings.web_address.clone())
    }

    /// Copies the map's share link, or asks for the web address first, or says the map is
    /// too large for a link and offers the file.
    pub fn copy_share_link(&mut self, ctx: &egui::Context) {
        let Some(address) = self.web_address() else {
            self.dialog = Some(Dialog::WebAddress(self.settings.web_address.clone()));
            return;
        };
        match link::share_link(&address, self.editor.doc()) {
            Ok(url) => {
                self.hint = Some(format!(
                    "Share link copied ({} characters): it opens this map in a browser",
                    url.len()
                ));
                ctx.copy_text(url.clone());
                self.last_share_link = Some(url);
            }
            Err(e @ LinkError::TooLarge { .. }) => {
                self.dialog = Some(Dialog::LinkTooLarge(e.to_string()));
            }
            Err(e) => self.dialog = Some(Dialog::Error(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::usable_address;

    #[test]
    fn only_web_addresses_are_used() {
        assert!(usable_address("https://example.org/loopmap/"));
        assert!(usable_address(" http://192.168.1.20:8000 "));
        assert!(!usable_address("example.org"));
        assert!(!usable_address("https://"));
        assert!(!usable_address("https://exa mple.org"));
        assert!(!usable_address("file:///tmp/x"));
    }
}
