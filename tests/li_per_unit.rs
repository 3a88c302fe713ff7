//! One source of truth for the Li a reactant takes (issue 10, item 6): the `li_per_unit` of
//! `data/materials.tsv` is the full step that `data/reactions.tsv` models, for every reactant.

use seip::sema::chemistry::Chemistry;

#[test]
fn li_per_unit_agrees_between_materials_and_reactions() {
    let chemistry = Chemistry::builtin();
    assert!(chemistry.reactions.len() >= 20);
    let disagreements: Vec<String> = chemistry
        .reactions
        .values()
        .filter_map(|reaction| {
            let table = chemistry
                .materials
                .lookup(&reaction.reactant)
                .and_then(|material| material.li_per_unit);
            let agrees = table.is_some_and(|li| (li - reaction.li_per_unit).abs() < 1e-9);
            (!agrees).then(|| {
                format!(
                    "{}: materials.tsv {table:?}, reactions.tsv {}",
                    reaction.reactant, reaction.li_per_unit
                )
            })
        })
        .collect();
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
