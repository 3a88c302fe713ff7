//! What the pictures share: the colour of each material, and text as a reader of a
//! picture expects it (`µm`, `Li₂S`), where the terminal and the files keep ASCII.

/// Colours for materials: distinct hues, dark enough for white outlines and light enough
/// for black text on them.
const PALETTE: [&str; 12] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#86bcb6",
    "#d4a6c8", "#a0cbe8",
];

/// The palette slot of a material: a hash of its name (FNV-1a), so the same material has
/// the same colour in every picture and every file, whatever else is drawn beside it.
pub fn material_slot(material: &str) -> usize {
    let hash = material.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % PALETTE.len() as u64) as usize
}

pub fn palette(slot: usize) -> &'static str {
    PALETTE[slot % PALETTE.len()]
}

/// How many colours there are (for callers that step past a taken slot).
pub const COLOURS: usize = PALETTE.len();

/// A chemical formula with its counts as subscripts: `Li2S` → `Li₂S`, `Li22Sn5` →
/// `Li₂₂Sn₅`. Digits count atoms only after an element or a closing bracket; a name such
/// as `PVDF-HFP` or `C2H8N2` reads as expected.
pub fn formula(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    let mut in_count = false;
    for c in text.chars() {
        let counts = c.is_ascii_digit() && (in_count || previous.is_some_and(|p| p.is_ascii_alphabetic() || p == ')'));
        if counts {
            out.push(char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c));
        } else {
            out.push(c);
        }
        in_count = counts;
        previous = Some(c);
    }
    out
}

/// Units as typeset: `um` → `µm` (the files and the terminal keep `um`).
pub fn units(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut rest = text;
    while let Some(index) = rest.find("um") {
        let before = rest[..index].chars().next_back();
        let after = rest[index + 2..].chars().next();
        let is_unit =
            before.is_none_or(|c| c == ' ' || c.is_ascii_digit()) && after.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..index]);
        out.push_str(if is_unit { "µm" } else { "um" });
        rest = &rest[index + 2..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for SVG.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_subscripts_and_units_their_symbols() {
        assert_eq!(formula("Li2S+Mo"), "Li₂S+Mo");
        assert_eq!(formula("LiF+Li22Sn5"), "LiF+Li₂₂Sn₅");
        assert_eq!(formula("Ca(OH)2"), "Ca(OH)₂");
        assert_eq!(formula("PVDF-HFP"), "PVDF-HFP");
        assert_eq!(units("Li 50 um, 20 um (x2)"), "Li 50 µm, 20 µm (x2)");
        assert_eq!(units("aluminium"), "aluminium");
        assert_eq!(material_slot("LiF"), material_slot("LiF"));
        assert_ne!(palette(material_slot("LiF")), palette(material_slot("rGO")));
    }
}
