//! A country picker: "EU" (the 27 member states together) and every ISO 3166 country by
//! name, narrowed by typing; Enter takes the one entry left, or the code typed exactly.

use crate::model::country;

/// What can be picked: the EU as one supplier or home first, then the countries by name.
fn entries() -> Vec<(&'static str, &'static str)> {
    let eu = (
        country::EU,
        country::name(country::EU).unwrap_or("European Union"),
    );
    std::iter::once(eu).chain(country::all()).collect()
}

/// The entries that match what was typed: an exact code first (so "EU" is not lost among
/// "Bonaire, Sint Eustatius…" and "Réunion"), then names containing it.
pub fn matching(typed: &str) -> Vec<(&'static str, &'static str)> {
    let needle = typed.trim().to_lowercase();
    let all = entries();
    if needle.is_empty() {
        return all;
    }
    let (exact, rest): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(code, _)| code.eq_ignore_ascii_case(&needle));
    let named = rest
        .into_iter()
        .filter(|(_, name)| name.to_lowercase().contains(&needle));
    exact.into_iter().chain(named).collect()
}

/// The entry Enter takes: the only one left, or the one whose code was typed.
fn chosen_by_enter(typed: &str, left: &[(&'static str, &'static str)]) -> Option<String> {
    match left {
        [(code, _)] => Some(code.to_string()),
        [(code, _), ..] if code.eq_ignore_ascii_case(typed.trim()) => Some(code.to_string()),
        _ => None,
    }
}

/// A drop-down listing countries by name with a search field; returns the code picked.
pub fn country_picker(ui: &mut egui::Ui, id_salt: &str, hint: &str) -> Option<String> {
    let search_id = ui.make_persistent_id((id_salt, "search"));
    let mut search: String = ui.data(|d| d.get_temp(search_id)).unwrap_or_default();
    let mut picked = None;
    let combo = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(hint)
        .width(190.0)
        .show_ui(ui, |ui| {
            let label = ui.label("Find country").id;
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut search)
                        .hint_text("type a name or code")
                        .desired_width(180.0),
                )
                .labelled_by(label);
            let left = matching(&search);
            // Enter ends the field's focus: see it before asking for the focus again.
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                picked = chosen_by_enter(&search, &left);
            }
            if picked.is_some() {
                ui.close();
            } else {
                field.request_focus();
            }
            egui::ScrollArea::vertical()
                .max_height(240.0)
                .show(ui, |ui| {
                    for (code, name) in &left {
                        let text = if *code == country::EU {
                            format!("{name} ({code}, the 27 member states)")
                        } else {
                            format!("{name} ({code})")
                        };
                        if ui.selectable_label(false, text).clicked() {
                            picked = Some(code.to_string());
                        }
                    }
                });
        });
    combo
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, hint));
    if picked.is_some() {
        search.clear();
    }
    ui.data_mut(|d| d.insert_temp(search_id, search));
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_comes_first_for_its_code_and_enter_takes_it() {
        let left = matching("EU");
        assert_eq!(left[0].0, "EU", "{left:?}");
        assert!(left.iter().any(|(c, _)| *c == "BQ"), "names still match");
        assert_eq!(chosen_by_enter("eu", &left).as_deref(), Some("EU"));
    }

    #[test]
    fn enter_takes_the_one_entry_left_and_nothing_when_several_are() {
        let left = matching("united k");
        assert_eq!(left, vec![("GB", "United Kingdom")]);
        assert_eq!(chosen_by_enter("united k", &left).as_deref(), Some("GB"));
        let several = matching("united");
        assert!(several.len() > 1);
        assert_eq!(chosen_by_enter("united", &several), None);
        assert_eq!(chosen_by_enter("zzz", &matching("zzz")), None);
    }
}
