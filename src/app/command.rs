//! Every command of the editor as data, one enum: its menu text, tooltip and keyboard
//! shortcuts come from here, so the menus, the toolbar, the shortcut handling and
//! Help ▸ Keyboard shortcuts agree. The variants are in menu order.

use egui::os::OperatingSystem;
use egui::{Key, KeyboardShortcut, Modifiers};
use strum::IntoEnumIterator;

#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
pub enum Command {
    New,
    Open,
    Save,
    SaveAs,
    ExportSvg,
    ExportPng,
    ExportCsv,
    ExportHtml,
    CopyShareLink,
    Quit,
    Undo,
    Redo,
    Cut,
    Copy,
    Paste,
    Duplicate,
    Delete,
    SelectAll,
    Rename,
    Arrange,
    ArrangeKeepOrder,
    AddPainPoint,
    VoteUp,
    VoteDown,
    Fit,
    ZoomIn,
    ZoomOut,
    ActualSize,
    ToggleSankey,
    ToggleGrid,
    ToggleDark,
    ToggleLegends,
    ToggleRanges,
    ToggleStubs,
    TextLarger,
    TextSmaller,
    Workshop,
    TimerStartPause,
    TimerReset,
    Shortcuts,
    About,
}

impl Command {
    /// Every command, in menu order.
    pub fn all() -> impl Iterator<Item = Command> {
        Command::iter()
    }

    /// The command's menu text and its tooltip.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Command::New => ("New", "Start an empty map"),
            Command::Open => ("Open…", "Open a map file (*.loopmap.json)"),
            Command::Save => ("Save", "Save the map to its file"),
            Command::SaveAs => ("Save as…", "Save the map to a new file"),
            Command::ExportSvg => (
                "Picture (SVG)…",
                "The whole map as drawn, with legends, as an SVG picture",
            ),
            Command::ExportPng => (
                "Picture for slides (PNG)…",
                "The whole map as a PNG picture at twice its size, for slides",
            ),
            Command::ExportCsv => (
                "Tables (CSV)…",
                "Flows, nodes, indicators (baseline and scenarios) and pain points as CSV files in a folder",
            ),
            Command::ExportHtml => (
                "Report (HTML)…",
                "One self-contained HTML file: the map, indicators, supply concentration, pain points",
            ),
            Command::CopyShareLink => (
                "Copy share link",
                "Put a web link on the clipboard that opens this map in a browser (Loopmap for the web)",
            ),
            Command::Quit => ("Quit", "Close Loopmap"),
            Command::Undo => ("Undo", "Take back the last edit"),
            Command::Redo => ("Redo", "Do again what was undone"),
            Command::Cut => ("Cut", "Copy the selection, then delete it"),
            Command::Copy => ("Copy", "Copy the selected nodes and flows as map JSON"),
            Command::Paste => ("Paste", "Paste nodes and flows copied from Loopmap"),
            Command::Duplicate => ("Duplicate", "Copy and paste the selection in one step"),
            Command::Delete => (
                "Delete",
                "Delete the selected nodes (with their flows) and flows",
            ),
            Command::SelectAll => ("Select all", "Select every node and flow"),
            Command::Rename => ("Rename", "Rename the selected node"),
            Command::Arrange => (
                "Arrange left to right",
                "Lay the map out as a layered Sankey: value-chain stages as columns, as few crossings as possible, loops nested under the chain",
            ),
            Command::ArrangeKeepOrder => (
                "Arrange, keeping the order",
                "Arrange again without changing the top-to-bottom order of each column (after a small edit)",
            ),
            Command::AddPainPoint => (
                "Add pain point",
                "Pin a pain point on the selected node or flow (on the whole map if nothing is selected)",
            ),
            Command::VoteUp => (
                "Vote for pain point",
                "Add a dot vote to the selected pain point",
            ),
            Command::VoteDown => (
                "Take back a vote",
                "Take a dot vote from the selected pain point",
            ),
            Command::Fit => (
                "Fit map to window",
                "Zoom so that the whole map fits the canvas",
            ),
            Command::ZoomIn => (
                "Zoom in",
                "Show the map larger, around the middle of the canvas",
            ),
            Command::ZoomOut => (
                "Zoom out",
                "Show the map smaller, around the middle of the canvas",
            ),
            Command::ActualSize => ("Actual size", "Show the map at 100 %, as a new map starts"),
            Command::ToggleSankey => (
                "Sankey widths",
                "Draw flows with widths proportional to their amounts",
            ),
            Command::ToggleGrid => (
                "Grid and snapping",
                "Show a grid and snap moved nodes to it",
            ),
            Command::ToggleDark => ("Dark theme", "Switch between a dark and a light theme"),
            Command::ToggleLegends => (
                "Legends",
                "Show or fold away the legends (loops, pain points, colours); the map is fitted beside them",
            ),
            Command::ToggleRanges => (
                "Ranges (± σ)",
                "Draw each uncertain flow with a lighter band of its standard deviation around it, and ± σ in its label",
            ),
            Command::ToggleStubs => (
                "Residues as stubs",
                "End each residue into a waste or export node that many stages share in a short stub beside the stage (labelled with the sink's name) instead of across the map; the sink keeps the total (on by default in workshop mode)",
            ),
            Command::TextLarger => ("Larger text", "Make all text larger (for projectors)"),
            Command::TextSmaller => ("Smaller text", "Make all text smaller"),
            Command::Workshop => (
                "Workshop mode",
                "Full-screen canvas with large text and a compact indicator strip, for running a session on a projector (Esc leaves)",
            ),
            Command::TimerStartPause => ("Start / pause timer", "Start or pause the round timer"),
            Command::TimerReset => ("Reset timer", "Set the round timer back to its full length"),
            Command::Shortcuts => ("Keyboard shortcuts", "List the keyboard shortcuts"),
            Command::About => ("About Loopmap", "What Loopmap is"),
        }
    }

    pub fn label(self) -> &'static str {
        self.describe().0
    }

    pub fn tooltip(self) -> &'static str {
        self.describe().1
    }

    /// The keys that run the command on `os`, the one shown in menus first. Cmd stands
    /// for Ctrl outside macOS (`Modifiers::COMMAND`).
    pub fn shortcuts(self, os: OperatingSystem) -> Vec<KeyboardShortcut> {
        let mac = os == OperatingSystem::Mac;
        let key = |modifiers, key| KeyboardShortcut::new(modifiers, key);
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let plain = Modifiers::NONE;
        match self {
            Command::New => vec![key(cmd, Key::N)],
            Command::Open => vec![key(cmd, Key::O)],
            Command::Save => vec![key(cmd, Key::S)],
            Command::SaveAs => vec![key(cmd_shift, Key::S)],
            Command::Quit => vec![key(cmd, Key::Q)],
            Command::Undo => vec![key(cmd, Key::Z)],
            // Ctrl+Y is a second Redo on Windows and Linux; on macOS Cmd+Y is not redo.
            Command::Redo if mac => vec![key(cmd_shift, Key::Z)],
            Command::Redo => vec![key(cmd_shift, Key::Z), key(cmd, Key::Y)],
            Command::Cut => vec![key(cmd, Key::X)],
            Command::Copy => vec![key(cmd, Key::C)],
            Command::Paste => vec![key(cmd, Key::V)],
            Command::Duplicate => vec![key(cmd, Key::D)],
            // The key macOS labels "delete" is Backspace.
            Command::Delete if mac => vec![key(plain, Key::Backspace), key(plain, Key::Delete)],
            Command::Delete => vec![key(plain, Key::Delete), key(plain, Key::Backspace)],
            Command::SelectAll => vec![key(cmd, Key::A)],
            Command::Rename => vec![key(plain, Key::F2)],
            Command::Arrange => vec![key(cmd, Key::L)],
            Command::ArrangeKeepOrder => vec![key(cmd_shift, Key::L)],
            Command::AddPainPoint => vec![key(plain, Key::P)],
            // `=` is the unshifted `+` key on many keyboards.
            Command::VoteUp => vec![key(plain, Key::Plus), key(plain, Key::Equals)],
            Command::VoteDown => vec![key(plain, Key::Minus)],
            Command::Fit => vec![key(plain, Key::F)],
            Command::ZoomIn => vec![key(cmd, Key::Plus), key(cmd, Key::Equals)],
            Command::ZoomOut => vec![key(cmd, Key::Minus)],
            Command::ActualSize => vec![key(cmd, Key::Num0)],
            Command::ToggleGrid => vec![key(cmd, Key::G)],
            Command::ToggleLegends => vec![key(plain, Key::L)],
            Command::Workshop => vec![key(plain, Key::F5)],
            Command::TimerStartPause => vec![key(plain, Key::T)],
            Command::TimerReset => vec![key(Modifiers::SHIFT, Key::T)],
            Command::Shortcuts => vec![key(plain, Key::F1)],
            Command::ExportSvg
            | Command::ExportPng
            | Command::ExportCsv
            | Command::ExportHtml
            | Command::CopyShareLink
            | Command::ToggleSankey
            | Command::ToggleDark
            | Command::ToggleRanges
            | Command::ToggleStubs
            | Command::TextLarger
            | Command::TextSmaller
            | Command::About => Vec::new(),
        }
    }

    /// The first shortcut, as menus and buttons show it ("" when there is none).
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.shortcuts(ctx.os())
            .first()
            .map_or(String::new(), |s| ctx.format_shortcut(s))
    }

    /// Every shortcut, as Help lists them ("Ctrl+Shift+Z or Ctrl+Y").
    pub fn all_shortcuts_text(self, ctx: &egui::Context) -> String {
        let keys: Vec<String> = self
            .shortcuts(ctx.os())
            .iter()
            .map(|s| ctx.format_shortcut(s))
            .collect();
        keys.join(" or ")
    }

    /// The tooltip followed by the first shortcut, for buttons outside the menus.
    pub fn tooltip_with_keys(self, ctx: &egui::Context) -> String {
        match self.shortcut_text(ctx) {
            keys if keys.is_empty() => self.tooltip().to_string(),
            keys => format!("{} ({keys})", self.tooltip()),
        }
    }

    /// A context-menu entry that runs this command on something else than the selection:
    /// its own text, with the command's shortcut beside it.
    pub fn menu_entry(
        self,
        ctx: &egui::Context,
        text: impl Into<egui::WidgetText>,
    ) -> egui::Button<'static> {
        egui::Button::new(text).shortcut_text(self.shortcut_text(ctx))
    }

    /// Cut, copy and paste reach the editor as the system's clipboard events, not as key
    /// presses: their shortcuts are shown, not matched.
    pub fn comes_as_clipboard_event(self) -> bool {
        matches!(self, Command::Cut | Command::Copy | Command::Paste)
    }

    /// While the user types in a text field, the field has these keys: plain keys, and
    /// its own undo, redo and select all.
    pub fn yields_to_text_field(self, os: OperatingSystem) -> bool {
        matches!(self, Command::Undo | Command::Redo | Command::SelectAll)
            || self
                .shortcuts(os)
                .iter()
                .any(|s| s.modifiers.is_none() || s.modifiers == Modifiers::SHIFT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEMS: [OperatingSystem; 3] = [
        OperatingSystem::Mac,
        OperatingSystem::Windows,
        OperatingSystem::Nix,
    ];

    #[test]
    fn no_two_commands_share_a_shortcut_on_any_system() {
        for os in SYSTEMS {
            let mut seen: Vec<(KeyboardShortcut, Command)> = Vec::new();
            for command in Command::all() {
                for shortcut in command.shortcuts(os) {
                    if let Some((_, other)) = seen.iter().find(|(s, _)| *s == shortcut) {
                        panic!("{command:?} and {other:?} share {shortcut:?} on {os:?}");
                    }
                    seen.push((shortcut, command));
                }
            }
            assert!(seen.len() > 30, "{os:?}: {} shortcuts", seen.len());
        }
    }

    #[test]
    fn every_command_has_its_own_label_and_a_tooltip() {
        let mut labels: Vec<&str> = Command::all().map(Command::label).collect();
        let count = labels.len();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), count, "two commands share a label");
        for command in Command::all() {
            assert!(
                command.tooltip().len() > command.label().len(),
                "{command:?}: the tooltip says no more than the label"
            );
        }
    }

    #[test]
    fn redo_has_ctrl_y_only_outside_macos() {
        let ctrl_y = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
        assert!(
            Command::Redo
                .shortcuts(OperatingSystem::Nix)
                .contains(&ctrl_y)
        );
        assert!(
            Command::Redo
                .shortcuts(OperatingSystem::Windows)
                .contains(&ctrl_y)
        );
        assert!(
            !Command::Redo
                .shortcuts(OperatingSystem::Mac)
                .contains(&ctrl_y)
        );
    }

    #[test]
    fn plain_keys_yield_to_text_fields_and_command_keys_do_not() {
        let os = OperatingSystem::Nix;
        assert!(Command::Delete.yields_to_text_field(os));
        assert!(Command::TimerReset.yields_to_text_field(os));
        assert!(Command::Undo.yields_to_text_field(os));
        assert!(!Command::Save.yields_to_text_field(os));
        assert!(!Command::ZoomIn.yields_to_text_field(os));
    }

    #[test]
    fn help_lists_every_shortcut_of_a_command() {
        let ctx = egui::Context::default();
        ctx.set_os(OperatingSystem::Nix);
        assert_eq!(
            Command::Redo.all_shortcuts_text(&ctx),
            "Ctrl+Shift+Z or Ctrl+Y"
        );
        assert_eq!(Command::Redo.shortcut_text(&ctx), "Ctrl+Shift+Z");
        assert_eq!(Command::About.shortcut_text(&ctx), "");
    }
}
