//! "Did you mean": the closest known name to a misspelt one.

/// Returns the candidate closest to `wanted`: an exact match ignoring case first, then the
/// smallest edit distance within `max(len / 3, 1)` (at equal distance, a candidate that
/// starts with `wanted` first), then a candidate `wanted` abbreviates
/// (`pwr` for `power`: same first letter, the rest in order). Ties go to the
/// alphabetically first candidate, so the answer is deterministic. Returns `None` when
/// nothing is close: a far-fetched suggestion is worse than none.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().filter(|c| *c != wanted).collect();
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    let mut best: Option<(usize, bool, &'a str)> = None;
    for &candidate in &candidates {
        let candidate_lower = candidate.to_lowercase();
        let distance = if candidate_lower == wanted_lower {
            0
        } else {
            match bounded_edit_distance(&wanted_lower, &candidate_lower, limit) {
                Some(d) => d,
                None => continue,
            }
        };
        // At the same distance, a name that `wanted` begins is the likelier one: `MoS`
        // was `MoS2` cut short more often than `Mo` with a stray letter.
        let cut_short = !candidate_lower.starts_with(&wanted_lower);
        if best.is_none_or(|(best_distance, best_cut, best_name)| {
            (distance, cut_short, candidate) < (best_distance, best_cut, best_name)
        }) {
            best = Some((distance, cut_short, candidate));
        }
    }
    best.map(|(_, _, name)| name).or_else(|| {
        let mut abbreviated: Vec<&'a str> = candidates
            .iter()
            .copied()
            .filter(|c| abbreviates(&wanted_lower, &c.to_lowercase()))
            .collect();
        abbreviated.sort_unstable();
        abbreviated.first().copied()
    })
}

/// The one candidate of three characters or more that `wanted` contains (`plate` in
/// `hotplate`): a name written with a word too many. `None` when no candidate or several
/// fit.
pub fn part_of<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    let mut found = candidates
        .into_iter()
        .filter(|c| c.chars().count() >= 3 && *c != wanted && wanted.contains(&c.to_lowercase()));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The help line for a misspelt name: "a tool with a similar name exists: `pvd`", or
/// `None` when no known name is close.
pub fn similar<'a>(kind: &str, wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wanted, candidates).map(|near| format!("{} {kind} with a similar name exists: `{near}`", article(kind)))
}

/// The diagnostic for a name that is not known: "unknown tool kind `x`", labelled
/// "not a tool kind", with the closest known name as help when one is close.
pub fn unknown<'a>(
    code: super::Code,
    kind: &str,
    name: &str,
    span: crate::span::Span,
    candidates: impl IntoIterator<Item = &'a str>,
) -> super::Diagnostic {
    let diagnostic = super::Diagnostic::new(
        code,
        format!("unknown {kind} `{name}`"),
        span,
        format!("not {} {kind}", article(kind)),
    );
    did_you_mean(diagnostic, kind, name, span, candidates)
}

/// Adds the closest known name to a diagnostic about a misspelt one, when one is close:
/// as help ("a tool with a similar name exists: `pvd`") and as an edit of `span`, the
/// name written as the source needs it (quoted unless it is an identifier).
pub fn did_you_mean<'a>(
    diagnostic: super::Diagnostic,
    kind: &str,
    wanted: &str,
    span: crate::span::Span,
    candidates: impl IntoIterator<Item = &'a str>,
) -> super::Diagnostic {
    match closest(wanted, candidates) {
        Some(near) => diagnostic
            .with_help(format!("{} {kind} with a similar name exists: `{near}`", article(kind)))
            .with_suggestion(span, crate::syntax::token::as_source(near), applicability(wanted, near)),
        None => diagnostic,
    }
}

/// A name that differs only in case is surely the one meant; a close name may be another
/// thing that exists, so a person should look.
pub fn applicability(wanted: &str, near: &str) -> super::Applicability {
    if wanted.to_lowercase() == near.to_lowercase() {
        super::Applicability::MachineApplicable
    } else {
        super::Applicability::MaybeIncorrect
    }
}

/// "a" or "an" for the words used here (`u` words such as "unit" take "a").
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o']) {
        "an"
    } else {
        "a"
    }
}

/// `pwr` abbreviates `power`: at least two characters, the same first one, and the rest
/// appearing in order.
fn abbreviates(short: &str, long: &str) -> bool {
    let mut short_chars = short.chars();
    let (Some(first), true) = (short_chars.next(), short.chars().count() >= 2) else {
        return false;
    };
    // Several words (`sodium carboxymethyl cellulose`) hold the letters of almost any
    // short word in order: only one word is abbreviated.
    if !long.starts_with(first) || short.len() >= long.len() || long.contains(char::is_whitespace) {
        return false;
    }
    let mut rest = long.chars().skip(1);
    short_chars.all(|c| rest.any(|l| l == c))
}

/// Edit distance between `a` and `b` counting a swap of neighbours as one edit (optimal
/// string alignment, since `mni` for `min` is a typo of one keystroke), or `None` when it
/// exceeds `limit`. Comparing lengths first keeps the search over a large table cheap.
fn bounded_edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut before_previous = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 0..a.len() {
        current[0] = i + 1;
        for j in 0..b.len() {
            let substitution = previous[j] + usize::from(a[i] != b[j]);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                best = best.min(before_previous[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_cut_short_is_offered_its_whole_form_first() {
        assert_eq!(closest("MoS", ["Mo", "MoS2", "Mg"]), Some("MoS2"));
        assert_eq!(closest("Mox", ["Mo", "MoS2"]), Some("Mo"));
    }

    #[test]
    fn suggests_the_nearest_name() {
        assert_eq!(closest("MoS3", ["MoS2", "Mo", "LiF"]), Some("MoS2"));
        assert_eq!(closest("dmso", ["DMSO", "DME"]), Some("DMSO"));
        assert_eq!(closest("sputer", ["sputter", "spray"]), Some("sputter"));
        assert_eq!(closest("mni", ["m", "min", "ms"]), Some("min"));
        assert_eq!(closest("pwr", ["power", "pressure", "rate"]), Some("power"));
        assert_eq!(closest("tmp", ["temperature", "time"]), Some("temperature"));
    }

    #[test]
    fn a_close_name_is_an_edit_of_the_span() {
        use crate::diagnostics::{Applicability, codes};
        use crate::span::Span;
        let span = Span::new(10, 13);
        let typo = unknown(codes::UNKNOWN_TOOL, "tool", "pdv", span, ["pvd", "bath"]);
        assert_eq!(typo.help.as_deref(), Some("a tool with a similar name exists: `pvd`"));
        let edit = &typo.suggestions[0];
        assert_eq!((edit.span, edit.replacement.as_str()), (span, "pvd"));
        assert_eq!(edit.applicability, Applicability::MaybeIncorrect);
        let case = unknown(codes::UNKNOWN_TOOL, "tool", "PVD", span, ["pvd"]);
        assert_eq!(case.suggestions[0].applicability, Applicability::MachineApplicable);
        assert!(
            unknown(codes::UNKNOWN_TOOL, "tool", "zzz", span, ["pvd"])
                .suggestions
                .is_empty()
        );
    }

    #[test]
    fn suggests_nothing_far_fetched() {
        assert_eq!(closest("banana", ["MoS2", "LiF"]), None);
        assert_eq!(closest("x", []), None);
    }

    #[test]
    fn a_name_that_is_no_identifier_is_suggested_in_quotes() {
        use crate::span::Span;
        let span = Span::new(0, 10);
        let typo = unknown(
            crate::diagnostics::codes::UNKNOWN_MATERIAL,
            "material",
            "PVDF-HFQ",
            span,
            ["PVDF-HFP"],
        );
        assert_eq!(
            typo.help.as_deref(),
            Some("a material with a similar name exists: `PVDF-HFP`")
        );
        assert_eq!(typo.suggestions[0].replacement, "\"PVDF-HFP\"");
    }

    #[test]
    fn a_name_with_a_word_too_many_is_offered_the_name_it_contains() {
        assert_eq!(part_of("hotplate", ["bath", "plate"]), Some("plate"));
        assert_eq!(part_of("hotplate", ["plate", "hot"]), None);
        assert_eq!(part_of("hotplate", ["pl", "bath"]), None);
    }

    #[test]
    fn a_name_of_several_words_is_not_an_abbreviation_target() {
        assert_eq!(closest("secs", ["sodium carboxymethyl cellulose"]), None);
    }

    #[test]
    fn ties_break_alphabetically() {
        assert_eq!(closest("ab", ["ac", "aa"]), Some("aa"));
    }
}
