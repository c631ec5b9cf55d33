//! Every command of the editor, one enum: its menu text, tooltip and keyboard shortcut
//! come from here, so the menus, the shortcut handling and Help ▸ Shortcuts agree.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    RedoAlt,
    Copy,
    Cut,
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
    TextLarger,
    TextSmaller,
    Workshop,
    TimerStartPause,
    TimerReset,
    Shortcuts,
    About,
}

impl Command {
    /// In menu order; `RedoAlt` is only a second shortcut.
    pub const ALL: [Command; 40] = [
        Command::New,
        Command::Open,
        Command::Save,
        Command::SaveAs,
        Command::ExportSvg,
        Command::ExportPng,
        Command::ExportCsv,
        Command::ExportHtml,
        Command::CopyShareLink,
        Command::Quit,
        Command::Undo,
        Command::Redo,
        Command::RedoAlt,
        Command::Cut,
        Command::Copy,
        Command::Paste,
        Command::Duplicate,
        Command::Delete,
        Command::SelectAll,
        Command::Rename,
        Command::Arrange,
        Command::ArrangeKeepOrder,
        Command::AddPainPoint,
        Command::VoteUp,
        Command::VoteDown,
        Command::Fit,
        Command::ZoomIn,
        Command::ZoomOut,
        Command::ActualSize,
        Command::ToggleSankey,
        Command::ToggleGrid,
        Command::ToggleDark,
        Command::ToggleLegends,
        Command::TextLarger,
        Command::TextSmaller,
        Command::Workshop,
        Command::TimerStartPause,
        Command::TimerReset,
        Command::Shortcuts,
        Command::About,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Command::New => "New",
            Command::Open => "Open…",
            Command::Save => "Save",
            Command::SaveAs => "Save as…",
            Command::ExportSvg => "Picture (SVG)…",
            Command::ExportPng => "Picture for slides (PNG)…",
            Command::ExportCsv => "Tables (CSV)…",
            Command::ExportHtml => "Report (HTML)…",
            Command::CopyShareLink => "Copy share link",
            Command::Quit => "Quit",
            Command::Undo => "Undo",
            Command::Redo | Command::RedoAlt => "Redo",
            Command::Copy => "Copy",
            Command::Cut => "Cut",
            Command::Paste => "Paste",
            Command::Duplicate => "Duplicate",
            Command::Delete => "Delete",
            Command::SelectAll => "Select all",
            Command::Rename => "Rename",
            Command::Arrange => "Arrange left to right",
            Command::ArrangeKeepOrder => "Arrange, keeping the order",
            Command::AddPainPoint => "Add pain point",
            Command::VoteUp => "Vote for pain point",
            Command::VoteDown => "Take back a vote",
            Command::Workshop => "Workshop mode",
            Command::TimerStartPause => "Start / pause timer",
            Command::TimerReset => "Reset timer",
            Command::Fit => "Fit map to window",
            Command::ZoomIn => "Zoom in",
            Command::ZoomOut => "Zoom out",
            Command::ActualSize => "Actual size",
            Command::ToggleSankey => "Sankey widths",
            Command::ToggleGrid => "Grid and snapping",
            Command::ToggleDark => "Dark theme",
            Command::ToggleLegends => "Legends",
            Command::TextLarger => "Larger text",
            Command::TextSmaller => "Smaller text",
            Command::Shortcuts => "Keyboard shortcuts",
            Command::About => "About Loopmap",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            Command::New => "Start an empty map",
            Command::Open => "Open a map file (*.loopmap.json)",
            Command::Save => "Save the map to its file",
            Command::SaveAs => "Save the map to a new file",
            Command::ExportSvg => "The whole map as drawn, with legends, as an SVG picture",
            Command::ExportPng => "The whole map as a PNG picture at twice its size, for slides",
            Command::ExportCsv => {
                "Flows, nodes, indicators (baseline and scenarios) and pain points as CSV files in a folder"
            }
            Command::ExportHtml => {
                "One self-contained HTML file: the map, indicators, supply concentration, pain points"
            }
            Command::CopyShareLink => {
                "Put a web link on the clipboard that opens this map in a browser (Loopmap for the web)"
            }
            Command::Quit => "Close Loopmap",
            Command::Undo => "Take back the last edit",
            Command::Redo | Command::RedoAlt => "Do again what was undone",
            Command::Copy => "Copy the selected nodes and flows as map JSON",
            Command::Cut => "Copy the selection, then delete it",
            Command::Paste => "Paste nodes and flows copied from Loopmap",
            Command::Duplicate => "Copy and paste the selection in one step",
            Command::Delete => "Delete the selected nodes (with their flows) and flows",
            Command::SelectAll => "Select every node and flow",
            Command::Rename => "Rename the selected node",
            Command::Arrange => {
                "Lay the map out as a layered Sankey: value-chain stages as columns, as few crossings as possible, loops nested under the chain"
            }
            Command::ArrangeKeepOrder => {
                "Arrange again without changing the top-to-bottom order of each column (after a small edit)"
            }
            Command::AddPainPoint => {
                "Pin a pain point on the selected node or flow (on the whole map if nothing is selected)"
            }
            Command::VoteUp => "Add a dot vote to the selected pain point",
            Command::VoteDown => "Take a dot vote from the selected pain point",
            Command::Workshop => {
                "Full-screen canvas with large text and a compact indicator strip, for running a session on a projector (Esc leaves)"
            }
            Command::TimerStartPause => "Start or pause the round timer",
            Command::TimerReset => "Set the round timer back to its full length",
            Command::Fit => "Zoom so that the whole map fits the canvas",
            Command::ZoomIn => "Show the map larger, around the middle of the canvas",
            Command::ZoomOut => "Show the map smaller, around the middle of the canvas",
            Command::ActualSize => "Show the map at 100 %, as a new map starts",
            Command::ToggleSankey => "Draw flows with widths proportional to their amounts",
            Command::ToggleGrid => "Show a grid and snap moved nodes to it",
            Command::ToggleDark => "Switch between a dark and a light theme",
            Command::ToggleLegends => {
                "Show or fold away the legends (loops, pain points, colours); the map is fitted beside them"
            }
            Command::TextLarger => "Make all text larger (for projectors)",
            Command::TextSmaller => "Make all text smaller",
            Command::Shortcuts => "List the keyboard shortcuts",
            Command::About => "What Loopmap is",
        }
    }

    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let key = |m, k| Some(KeyboardShortcut::new(m, k));
        match self {
            Command::New => key(cmd, Key::N),
            Command::Open => key(cmd, Key::O),
            Command::Save => key(cmd, Key::S),
            Command::SaveAs => key(cmd_shift, Key::S),
            Command::ExportSvg | Command::ExportPng | Command::ExportCsv | Command::ExportHtml => {
                None
            }
            Command::CopyShareLink => None,
            Command::Quit => key(cmd, Key::Q),
            Command::Undo => key(cmd, Key::Z),
            Command::Redo => key(cmd_shift, Key::Z),
            Command::RedoAlt => key(cmd, Key::Y),
            Command::Copy | Command::Cut | Command::Paste => None, // arrive as clipboard events
            Command::Duplicate => key(cmd, Key::D),
            Command::Delete => key(Modifiers::NONE, Key::Delete),
            Command::SelectAll => key(cmd, Key::A),
            Command::Rename => key(Modifiers::NONE, Key::F2),
            Command::Arrange => key(cmd, Key::L),
            Command::ArrangeKeepOrder => key(cmd_shift, Key::L),
            Command::AddPainPoint => key(Modifiers::NONE, Key::P),
            Command::VoteUp => key(Modifiers::NONE, Key::Plus),
            Command::VoteDown => key(Modifiers::NONE, Key::Minus),
            Command::Workshop => key(Modifiers::NONE, Key::F5),
            Command::TimerStartPause => key(Modifiers::NONE, Key::T),
            Command::TimerReset => key(Modifiers::SHIFT, Key::T),
            Command::Fit => key(Modifiers::NONE, Key::F),
            Command::ZoomIn => key(cmd, Key::Plus),
            Command::ZoomOut => key(cmd, Key::Minus),
            Command::ActualSize => key(cmd, Key::Num0),
            Command::ToggleSankey => None,
            Command::ToggleGrid => key(cmd, Key::G),
            Command::ToggleDark => None,
            Command::ToggleLegends => key(Modifiers::NONE, Key::L),
            Command::TextLarger | Command::TextSmaller => None,
            Command::Shortcuts => key(Modifiers::NONE, Key::F1),
            Command::About => None,
        }
    }

    /// The shortcut as shown in menus and Help.
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        match self {
            Command::Copy => "Ctrl+C".into(),
            Command::Cut => "Ctrl+X".into(),
            Command::Paste => "Ctrl+V".into(),
            Command::Delete => "Del / Backspace".into(),
            _ => self
                .shortcut()
                .map_or(String::new(), |s| ctx.format_shortcut(&s)),
        }
    }

    /// Plain-key shortcuts must not fire while the user types in a text field.
    pub fn is_plain_key(self) -> bool {
        self.shortcut().is_some_and(|s| s.modifiers.is_none())
    }
}
