//! What the models did at each step, in words, for the table and the JSON.

/// The notes of one step. A note is written only when someone will read it: `seipc check`
/// runs the models for their budgets alone, and putting numbers into sentences is a good
/// part of the models' time.
pub struct Notes(Option<Vec<String>>);

impl Notes {
    /// Notes that are kept.
    pub fn written() -> Notes {
        Notes(Some(Vec::new()))
    }

    /// Notes that are not written at all.
    pub fn unwritten() -> Notes {
        Notes(None)
    }

    /// Adds a note; `note` runs only when the notes are kept.
    pub fn add(&mut self, note: impl FnOnce() -> String) {
        if let Some(notes) = &mut self.0 {
            notes.push(note());
        }
    }

    /// The notes, without spare room (a program keeps every step's).
    pub fn into_vec(self) -> Vec<String> {
        let mut notes = self.0.unwrap_or_default();
        notes.shrink_to_fit();
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritten_notes_are_never_formatted() {
        let mut notes = Notes::unwritten();
        notes.add(|| unreachable!("not formatted"));
        assert!(notes.into_vec().is_empty());
        let mut notes = Notes::written();
        notes.add(|| "kept".to_owned());
        assert_eq!(notes.into_vec(), ["kept"]);
    }
}
