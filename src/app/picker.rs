//! A country picker: every ISO 3166 country by name, narrowed by typing.

use crate::model::country;

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
            field.request_focus();
            let needle = search.trim().to_lowercase();
            egui::ScrollArea::vertical()
                .max_height(240.0)
                .show(ui, |ui| {
                    for (code, name) in country::all() {
                        let matches = needle.is_empty()
                            || name.to_lowercase().contains(&needle)
                            || code.eq_ignore_ascii_case(&needle);
                        if matches
                            && ui
                                .selectable_label(false, format!("{name} ({code})"))
                                .clicked()
                        {
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
