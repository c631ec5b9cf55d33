//! The sample maps bundled with the binary, so a first-time user sees a real map at once.

use crate::model::Document;

/// A bundled map: its menu title, file name and text.
pub struct Sample {
    pub title: &'static str,
    pub file_name: &'static str,
    pub text: &'static str,
}

pub const SAMPLES: [Sample; 3] = [
    Sample {
        title: "UK NdFeB magnet chain",
        file_name: "uk-ndfeb-magnets.loopmap.json",
        text: include_str!("../../sample_maps/uk-ndfeb-magnets.loopmap.json"),
    },
    Sample {
        title: "World neodymium chain",
        file_name: "global-nd.loopmap.json",
        text: include_str!("../../sample_maps/global-nd.loopmap.json"),
    },
    Sample {
        title: "EV motor with four loops",
        file_name: "ev-motor-loops.loopmap.json",
        text: include_str!("../../sample_maps/ev-motor-loops.loopmap.json"),
    },
];

impl Sample {
    pub fn load(&self) -> Result<Document, super::LoadError> {
        super::parse(self.text)
    }
}

/// The map opened at start-up.
pub fn default_sample() -> &'static Sample {
    &SAMPLES[0]
}
