//! The registry of diagnostic codes. Codes are stable: a code is never reused for another
//! problem. Each one is documented in `spec/diagnostics.md` (a test checks this), grouped
//! by stage: E01xx lexical and syntax, E02xx names, E03xx units and parameters,
//! E04xx phases and atmosphere, E05xx the step graph, E06xx the layer stack and budgets, E07xx the recipe's own chemistry.

use serde::{Serialize, Serializer};

use super::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code {
    /// `E0201`, `W0401`: the first letter gives the severity.
    pub id: &'static str,
    /// A short kebab-case name, for people and for `--explain`.
    pub slug: &'static str,
}

impl Code {
    pub fn severity(self) -> Severity {
        if self.id.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    pub fn is_error(self) -> bool {
        self.severity() == Severity::Error
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id)
    }
}

macro_rules! codes {
    ($($name:ident = $id:literal, $slug:literal;)*) => {
        $(pub const $name: Code = Code { id: $id, slug: $slug };)*
        /// Every code, grouped by stage.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    // E01xx: reading the file
    UNEXPECTED_CHARACTER = "E0101", "unexpected-character";
    UNTERMINATED_STRING = "E0102", "unterminated-string";
    SYNTAX_ERROR = "E0103", "syntax-error";
    UNEXPECTED_END = "E0104", "unexpected-end-of-file";
    INVALID_NUMBER = "E0105", "invalid-number";
    FILE_TOO_LARGE = "E0106", "file-too-large";
    INVALID_UTF8 = "E0107", "invalid-utf8";
    TOO_MANY_ERRORS = "E0108", "too-many-errors";
    TOO_MANY_PROTOCOLS = "E0109", "too-many-protocols";
    KEYWORD_CASE = "E0110", "keyword-case";
    UNIT_NOTATION = "E0111", "unit-notation";
    UNCLOSED_BLOCK = "E0112", "unclosed-block";
    FORMAT_CHANGES_MEANING = "E0130", "format-changes-meaning";
    NO_PROTOCOL = "W0101", "no-protocol";
    PROTOCOL_WITHOUT_STEPS = "W0102", "protocol-without-steps";
    // E02xx: names
    UNKNOWN_MATERIAL = "E0201", "unknown-material";
    DUPLICATE_DEFINITION = "E0202", "duplicate-definition";
    UNKNOWN_TOOL = "E0203", "unknown-tool";
    UNKNOWN_STEP = "E0204", "unknown-step";
    UNKNOWN_WORKPIECE = "E0205", "unknown-workpiece";
    UNKNOWN_ENVIRONMENT = "E0206", "unknown-environment";
    UNKNOWN_OPERATION = "E0207", "unknown-operation";
    UNKNOWN_TOOL_KIND = "E0208", "unknown-tool-kind";
    UNKNOWN_PARAMETER = "E0209", "unknown-parameter";
    MISSING_SUBSTRATE = "E0210", "missing-substrate";
    AMBIGUOUS_WORKPIECE = "E0211", "ambiguous-workpiece";
    UNKNOWN_BUDGET = "E0212", "unknown-budget";
    DUPLICATE_BATCH = "E0213", "duplicate-batch";
    UNKNOWN_CODE = "E0214", "unknown-code";
    ALLOWED_ERROR = "E0215", "allowed-error";
    ALLOW_WITHOUT_REASON = "E0216", "allow-without-reason";
    UNUSED_TOOL = "W0201", "unused-tool";
    UNUSED_REAGENT = "W0202", "unused-reagent";
    STEP_WITHOUT_TOOL = "W0203", "step-without-tool";
    UNUSED_ALLOW = "W0204", "unused-allow";
    // E03xx: units and parameters
    UNKNOWN_UNIT = "E0301", "unknown-unit";
    DIMENSION_MISMATCH = "E0302", "dimension-mismatch";
    SURPLUS_QUANTITY = "E0303", "surplus-quantity";
    AMBIGUOUS_QUANTITY = "E0304", "ambiguous-quantity";
    INVALID_VALUE = "E0305", "invalid-value";
    MISSING_PARAMETER = "E0306", "missing-parameter";
    MISSING_REAGENT = "E0307", "missing-reagent";
    SURPLUS_REAGENT = "E0308", "surplus-reagent";
    DUPLICATE_PARAMETER = "E0309", "duplicate-parameter";
    // E04xx: phases, reactivity, atmosphere
    VIOLENT_REACTION = "E0401", "violent-reaction-with-lithium";
    WRONG_REAGENT_PHASE = "E0402", "wrong-reagent-phase";
    MOLTEN_LITHIUM_WORKED = "E0403", "mechanical-work-on-molten-lithium";
    WET_SAMPLE_INTO_VACUUM = "E0404", "wet-sample-into-vacuum";
    TOOL_CANNOT_PERFORM = "E0405", "tool-cannot-perform-operation";
    TOOL_WRONG_ENVIRONMENT = "E0406", "tool-in-wrong-environment";
    WET_SAMPLE_ONTO_LITHIUM = "E0407", "wet-sample-onto-lithium";
    BARE_LITHIUM_IN_AIR = "E0408", "bare-lithium-in-air";
    SUBSTRATE_MELTED = "E0409", "substrate-melted";
    MOLTEN_LITHIUM_EXPOSED = "E0410", "molten-lithium-exposed";
    ELECTROCHEMISTRY_NOT_INERT = "E0411", "electrochemistry-not-inert";
    SALT_INSOLUBLE = "E0412", "salt-insoluble";
    REAGENT_NOT_GASEOUS = "W0401", "reagent-not-gaseous";
    VIOLENT_REAGENT_ON_COATED_LITHIUM = "W0402", "violent-reagent-on-coated-lithium";
    COATED_LITHIUM_IN_AIR = "W0403", "coated-lithium-in-air";
    LAYER_DISSOLVED = "W0404", "layer-dissolved";
    LAYER_ETCHED = "W0405", "layer-etched";
    LAYER_DAMAGED_BY_HEAT = "W0406", "layer-damaged-by-heat";
    MOLTEN_LITHIUM_STEP = "W0407", "molten-lithium-step";
    POTENTIAL_OUTSIDE_WINDOW = "W0412", "potential-outside-window";
    // E05xx: the step graph
    DEPENDENCY_CYCLE = "E0501", "dependency-cycle";
    UNKNOWN_DURATION = "E0502", "unknown-duration";
    MAX_WAIT_UNMET = "E0503", "max-wait-unmet";
    UNSCHEDULABLE = "E0504", "unschedulable";
    TOO_MANY_OPERATIONS = "E0505", "too-many-operations";
    ASSUMED_DURATION = "W0501", "assumed-duration";
    // E06xx: the layer stack
    BUDGET_EXCEEDED = "E0601", "budget-exceeded";
    BUDGET_AT_RISK = "W0601", "budget-at-risk";
    BUDGET_NOT_EVALUATED = "W0602", "budget-not-evaluated";
    STACK_TOO_DEEP = "W0603", "stack-too-deep";
    OVER_STRIP = "E0604", "over-strip";
    // E07xx: the recipe's own chemistry (material and reaction declarations, precursors)
    MISSING_MATERIAL_FIELD = "E0701", "missing-material-field";
    INVALID_MATERIAL_DATA = "E0702", "invalid-material-data";
    INCONSISTENT_MATERIAL_DATA = "E0703", "inconsistent-material-data";
    INVALID_REACTION = "E0704", "invalid-reaction";
    UNBALANCED_REACTION = "E0705", "unbalanced-reaction";
    PRECURSORS_NOT_TAKEN = "E0706", "precursors-not-taken";
    PRECURSOR_NOT_VOLATILE = "E0707", "precursor-not-volatile";
    PRECURSOR_MEETS_ROOM = "E0708", "precursor-meets-room";
    MATERIAL_SHADOWS_BUILTIN = "W0701", "material-shadows-builtin";
    REACTION_BALANCE_UNCHECKED = "W0702", "reaction-balance-unchecked";
    REACTIVE_SOLUTE_UNMODELLED = "W0703", "reactive-solute-unmodelled";
    REACTION_UPHILL = "W0704", "reaction-uphill";
}

/// Looks a code up by its id (`E0201`) or slug (`unknown-material`), for `--explain`.
pub fn find(name: &str) -> Option<Code> {
    ALL.iter()
        .copied()
        .find(|code| code.id.eq_ignore_ascii_case(name) || code.slug == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_are_unique() {
        let mut ids: Vec<_> = ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        let mut slugs: Vec<_> = ALL.iter().map(|c| c.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), ALL.len());
    }
}
