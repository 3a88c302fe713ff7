//! The language server at the protocol level: JSON-RPC messages through an in-memory
//! connection to `seip::lsp::run` on its own thread, one test per request. Positions in
//! the tests come from the text (`at(source, "needle", n)`), never from counted columns.

use std::thread::JoinHandle;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

const URI: &str = "file:///lab/recipe.seip";

struct Client {
    connection: Connection,
    server: Option<JoinHandle<()>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
    utf8: bool,
    /// The document's version, for changes.
    version: i32,
}

impl Client {
    fn start(encodings: &[&str]) -> (Client, Value) {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || seip::lsp::run(&server_side).expect("the server fails"));
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            pending: Vec::new(),
            utf8: encodings.contains(&"utf-8"),
            version: 1,
        };
        let result = client.request(
            "initialize",
            json!({ "capabilities": { "general": { "positionEncodings": encodings } } }),
        );
        client.notify("initialized", json!({}));
        (client, result.expect("initialize fails"))
    }

    fn new() -> Client {
        Client::start(&["utf-16"]).0
    }

    fn notify(&self, method: &str, params: Value) {
        let message = Notification::new(method.to_owned(), params);
        self.connection.sender.send(message.into()).unwrap();
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err(error)`.
    fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let message = Request::new(id.clone(), method.to_owned(), params);
        self.connection.sender.send(message.into()).unwrap();
        loop {
            match self.connection.receiver.recv().expect("the server hung up") {
                Message::Response(response) if response.id == id => {
                    return response
                        .response_result
                        .map_err(|error| serde_json::to_value(error).unwrap());
                }
                Message::Notification(notification) => self.pending.push(notification),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    fn open(&self, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "seip", "version": 1, "text": text } }),
        );
    }

    fn change(&self, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// The next diagnostics published for the document.
    fn diagnostics(&mut self) -> Value {
        loop {
            let notification = if self.pending.is_empty() {
                match self.connection.receiver.recv().expect("the server hung up") {
                    Message::Notification(notification) => notification,
                    other => panic!("unexpected message {other:?}"),
                }
            } else {
                self.pending.remove(0)
            };
            if notification.method == "textDocument/publishDiagnostics" {
                assert_eq!(notification.params["uri"], URI);
                return notification.params;
            }
        }
    }

    /// The protocol position of the `nth` `needle` in `source` (plus `shift` bytes).
    fn at(&self, source: &str, needle: &str, nth: usize, shift: usize) -> Value {
        let offset = source.match_indices(needle).nth(nth).expect("needle not found").0 + shift;
        self.position(source, offset)
    }

    fn position(&self, source: &str, offset: usize) -> Value {
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = source[..offset].matches('\n').count();
        let prefix = &source[line_start..offset];
        let character = if self.utf8 {
            prefix.len()
        } else {
            prefix.encode_utf16().count()
        };
        json!({ "line": line, "character": character })
    }

    fn at_position(&mut self, method: &str, position: Value) -> Result<Value, Value> {
        self.request(method, json!({ "textDocument": { "uri": URI }, "position": position }))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(server) = self.server.take() {
            server.join().expect("the server panicked");
        }
    }
}

const EXAMPLE: &str = include_str!("../examples/liquid_bsl_snf2.seip");

/// `MoS3` misspelt after a `µm` on the same line: UTF-16 columns differ from bytes there.
const MISSPELT: &str = "protocol \"p\" {\n    substrate li: Li foil { thickness: 50 µm, area: 1 cm2 }\n    tool pvd: sputter in vacuum\n    step coat: sputter MoS3 10 nm at 1 nm/min using pvd // °C µm\n}\n";

const WET_INTO_VACUUM: &str = "protocol \"bsl-then-mos2\" {
    substrate li: Li foil { thickness: 50 um, area: 2 cm2 }
    tool bath: dip_tank in glovebox
    tool pvd:  sputter  in vacuum { capacity: 8, pump_down: 20 min }
    reagent bsl = SnF2 0.1 M in DMSO
    step dip:  immerse in bsl for 10 min using bath
    step coat: sputter MoS2 10 nm at 0.5 nm/min using pvd
}
";

#[test]
fn initialize_announces_the_features_and_negotiates_the_encoding() {
    let (_client, result) = Client::start(&["utf-16"]);
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"], 1);
    for feature in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "completionProvider",
        "documentSymbolProvider",
        "codeActionProvider",
    ] {
        assert!(!capabilities[feature].is_null(), "{feature} missing");
    }
    let (_client, result) = Client::start(&["utf-8", "utf-16"]);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn diagnostics_are_those_of_check_with_utf16_ranges() {
    let mut client = Client::new();
    client.open(MISSPELT);
    let published = client.diagnostics();
    assert_eq!(published["version"], 1);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let expected = seip::compile(MISSPELT).diagnostics;
    assert_eq!(diagnostics.len(), expected.len());
    let d = &diagnostics[0];
    assert_eq!(d["code"], "E0201");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "seipc");
    // No link into the checkout the server was built from: the code is explained by a
    // code action (below).
    assert!(d["codeDescription"].is_null(), "{d}");
    let message = d["message"].as_str().unwrap();
    assert!(message.starts_with("unknown material `MoS3`"), "{message}");
    assert!(
        message.contains("help: a material with a similar name exists: `MoS2`"),
        "{message}"
    );
    assert_eq!(d["range"]["start"], client.at(MISSPELT, "MoS3", 0, 0));
    assert_eq!(d["range"]["end"], client.at(MISSPELT, "MoS3", 0, 4));
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (mut client, _) = Client::start(&["utf-8"]);
    client.open(MISSPELT);
    let published = client.diagnostics();
    let start = MISSPELT.find("MoS3").unwrap() - MISSPELT[..MISSPELT.find("MoS3").unwrap()].rfind('\n').unwrap() - 1;
    assert_eq!(published["diagnostics"][0]["range"]["start"]["character"], start);
    // And positions coming in are bytes too: a hover on `pvd` after `µm` lines.
    let hover = client
        .at_position("textDocument/hover", client.at(MISSPELT, "pvd", 1, 1))
        .unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("**tool `pvd`**"));
}

#[test]
fn secondary_labels_become_related_information() {
    let mut client = Client::new();
    client.open(WET_INTO_VACUUM);
    let published = client.diagnostics();
    let wet = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0404")
        .expect("E0404 published")
        .clone();
    let related = wet["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["location"]["uri"], URI);
    assert!(
        related[0]["message"]
            .as_str()
            .unwrap()
            .contains("`DMSO` is left on the sample here")
    );
    assert!(
        wet["message"]
            .as_str()
            .unwrap()
            .contains("note: residual solvent outgasses")
    );
}

#[test]
fn every_change_is_checked_and_a_clean_text_clears_the_diagnostics() {
    let mut client = Client::new();
    client.open(MISSPELT);
    assert_eq!(client.diagnostics()["diagnostics"].as_array().unwrap().len(), 1);
    let fixed = MISSPELT.replace("MoS3", "MoS2");
    client.change(2, &MISSPELT.replace("MoS3", "MoS4"));
    client.change(3, &fixed);
    // A request is answered on the latest text, checked first.
    let hover = client
        .at_position("textDocument/hover", client.at(&fixed, "MoS2", 0, 1))
        .unwrap();
    assert!(hover["contents"]["value"].as_str().unwrap().contains("MoS2"));
    let mut last = client.diagnostics();
    while last["version"] != 3 {
        last = client.diagnostics();
    }
    assert_eq!(last["diagnostics"], json!([]));
    client.notify("textDocument/didClose", json!({ "textDocument": { "uri": URI } }));
    let closed = client.diagnostics();
    assert_eq!(closed["diagnostics"], json!([]));
    // Requests on a closed document are refused, not answered from stale text.
    let error = client
        .at_position("textDocument/hover", client.at(&fixed, "MoS2", 0, 1))
        .unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("is not open"));
}

#[test]
fn hover_on_a_step_shows_its_signature_and_the_stack_after_it() {
    let mut client = Client::new();
    client.open(EXAMPLE);
    client.diagnostics();
    let hover = client
        .at_position("textDocument/hover", client.at(EXAMPLE, "step dip", 0, 6))
        .unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(text.starts_with("**step `dip`**"), "{text}");
    assert!(text.contains("immerse("), "signature missing: {text}");
    assert!(text.contains("after this step, `li`"), "{text}");
    assert!(text.contains("Li consumed"), "{text}");
    assert!(text.contains("`time` 10 min"), "{text}");
    // The same stack as `seipc stack`: the layer the dip grows is listed with a thickness.
    let compilation = seip::compile(EXAMPLE);
    let after_dip = &compilation.stacks[0].after_steps[1];
    assert_eq!(&*after_dip.name, "dip");
    let layer = &after_dip.product.as_ref().unwrap().layers[0];
    assert!(text.contains(&format!("`{}`", layer.material)), "{text}");
    assert_eq!(hover["range"]["start"], client.at(EXAMPLE, "step dip", 0, 5));
}

#[test]
fn hover_on_a_material_a_tool_and_a_verb() {
    let mut client = Client::new();
    client.open(EXAMPLE);
    client.diagnostics();
    let value = |client: &mut Client, needle: &str, nth: usize| {
        let position = client.at(EXAMPLE, needle, nth, 1);
        let hover = client.at_position("textDocument/hover", position).unwrap();
        hover["contents"]["value"].as_str().unwrap().to_owned()
    };
    // The first `SnF2` is in the opening comment.
    let snf2 = value(&mut client, "SnF2", 1);
    // The data card of `seipc explain SnF2`.
    assert!(snf2.starts_with("**material `SnF2`**"), "{snf2}");
    for row in ["formula", "with Li", "source"] {
        assert!(snf2.contains(&format!("  {row} ")), "{row} missing: {snf2}");
    }
    let bath = value(&mut client, "bath", 1);
    assert!(bath.contains("**tool `bath`**: `dip_tank` in `glovebox`"), "{bath}");
    assert!(bath.contains("capacity 6 samples"), "{bath}");
    assert!(bath.contains("\"bsl-snf2\" (batch 12): `dip`, `rinse`"), "{bath}");
    let verb = value(&mut client, "immerse", 0);
    assert!(verb.starts_with("**operation `immerse`**"), "{verb}");
    // Nothing under the cursor: no hover.
    let nothing = client
        .at_position("textDocument/hover", client.at(EXAMPLE, "// Reaction", 0, 3))
        .unwrap();
    assert!(nothing.is_null());
}

#[test]
fn definition_references_and_rename() {
    let mut client = Client::new();
    client.open(EXAMPLE);
    client.diagnostics();
    let use_of_bath = client.at(EXAMPLE, "bath", 2, 2);
    let definition = client
        .at_position("textDocument/definition", use_of_bath.clone())
        .unwrap();
    assert_eq!(definition["uri"], URI);
    assert_eq!(definition["range"]["start"], client.at(EXAMPLE, "bath", 0, 0));

    let references = client
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": URI }, "position": use_of_bath, "context": { "includeDeclaration": true } }),
        )
        .unwrap();
    assert_eq!(references.as_array().unwrap().len(), 3);

    let prepared = client
        .at_position("textDocument/prepareRename", client.at(EXAMPLE, "bsl", 2, 0))
        .unwrap();
    assert_eq!(prepared["start"], client.at(EXAMPLE, "bsl", 2, 0));
    let rename = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": URI }, "position": client.at(EXAMPLE, "bsl", 2, 0), "newName": "snf2_bath" }),
        )
        .unwrap();
    let edits = rename["changes"][URI].as_array().unwrap();
    // The declaration and its two uses; not the protocol's name "bsl-snf2".
    assert_eq!(edits.len(), 3);
    assert!(edits.iter().all(|e| e["newText"] == "snf2_bath"));

    // Built-in names and bad names are refused with a reason.
    let builtin = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": URI }, "position": client.at(EXAMPLE, "rinse in DMSO", 0, 10), "newName": "x" }),
        )
        .unwrap_err();
    assert!(builtin["message"].as_str().unwrap().contains("built-in material"));
    let bad = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": URI }, "position": client.at(EXAMPLE, "bath", 0, 0), "newName": "two words" }),
        )
        .unwrap_err();
    assert!(bad["message"].as_str().unwrap().contains("is not a name"));
}

/// The labels a completion at byte `cursor` of `text` offers, once the document is `text`.
fn complete(client: &mut Client, text: &str, cursor: usize) -> Vec<String> {
    client.version += 1;
    client.change(client.version, text);
    let result = client
        .at_position("textDocument/completion", client.position(text, cursor))
        .unwrap();
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn completion_by_context() {
    let mut client = Client::new();
    client.open(EXAMPLE);
    client.diagnostics();
    let body_end = EXAMPLE.rfind('}').unwrap();
    let with_line = |line: &str| {
        (
            format!("{}    {line}\n}}\n", &EXAMPLE[..body_end]),
            body_end + 4 + line.len(),
        )
    };

    let (text, cursor) = with_line("step heat: ");
    let verbs = complete(&mut client, &text, cursor);
    assert!(
        verbs.contains(&"sputter".to_owned()) && verbs.contains(&"anneal".to_owned()),
        "{verbs:?}"
    );

    let (text, cursor) = with_line("step heat: dry using pl");
    let tools = complete(&mut client, &text, cursor);
    assert_eq!(tools, ["bath", "plate", "stirrer"]);

    let (text, cursor) = with_line("step heat: dry for 10 ");
    let units = complete(&mut client, &text, cursor);
    assert!(
        units.contains(&"min".to_owned()) && units.contains(&"h".to_owned()),
        "{units:?}"
    );
    assert!(
        !units.contains(&"nm".to_owned()) && !units.contains(&"degC".to_owned()),
        "{units:?}"
    );

    let (text, cursor) = with_line("step heat: dry at 60 d");
    let units = complete(&mut client, &text, cursor);
    assert!(units.contains(&"degC".to_owned()), "{units:?}");
    assert!(!units.contains(&"nm".to_owned()), "{units:?}");

    let (text, cursor) = with_line("step heat: immerse in ");
    let operands = complete(&mut client, &text, cursor);
    assert!(
        operands.contains(&"bsl".to_owned()) && operands.contains(&"DMSO".to_owned()),
        "{operands:?}"
    );

    let (text, cursor) = with_line("step heat: dry after ");
    let steps = complete(&mut client, &text, cursor);
    assert_eq!(steps, ["dip", "dry", "mix", "rinse"]);

    let (text, cursor) = with_line("step heat: dry at 60 degC for 1 h using plate { ");
    let params = complete(&mut client, &text, cursor);
    assert!(
        params.contains(&"max_wait".to_owned()) && params.contains(&"temperature".to_owned()),
        "{params:?}"
    );

    let (text, cursor) = with_line("tool oven: ");
    let kinds = complete(&mut client, &text, cursor);
    assert!(kinds.contains(&"hot_plate".to_owned()), "{kinds:?}");

    // Inside a comment: nothing.
    let (text, cursor) = with_line("// using ");
    assert!(complete(&mut client, &text, cursor).is_empty());
}

#[test]
fn document_symbols_are_protocols_and_their_steps() {
    let mut client = Client::new();
    client.open(EXAMPLE);
    client.diagnostics();
    let symbols = client
        .request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }))
        .unwrap();
    let symbols = symbols.as_array().unwrap();
    assert_eq!(symbols.len(), 1);
    assert_eq!(symbols[0]["name"], "bsl-snf2");
    let children: Vec<&str> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        children,
        ["li", "stirrer", "bath", "plate", "bsl", "mix", "dip", "rinse", "dry"]
    );
    let dip = &symbols[0]["children"][6];
    assert_eq!(dip["detail"], "immerse");
    assert_eq!(dip["selectionRange"]["start"], client.at(EXAMPLE, "step dip", 0, 5));
}

fn code_actions(client: &mut Client, text: &str, needle: &str, shift: usize) -> Vec<Value> {
    let at = client.at(text, needle, 0, shift);
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": URI }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
        )
        .unwrap();
    actions.as_array().unwrap().clone()
}

#[test]
fn the_compilers_suggestions_are_quick_fixes() {
    let mut client = Client::new();
    client.open(MISSPELT);
    client.diagnostics();
    let actions = code_actions(&mut client, MISSPELT, "MoS3", 1);
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["replace `MoS3` with `MoS2`", "explain `E0201` (unknown-material)"]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "E0201");
    let edit = &fix["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "MoS2");
    // The edit is the compiler's own suggestion, span and text.
    let suggestion = &seip::compile(MISSPELT).diagnostics[0].suggestions[0];
    assert_eq!(
        edit["range"]["start"],
        client.position(MISSPELT, suggestion.span.start as usize)
    );
    assert_eq!(
        edit["range"]["end"],
        client.position(MISSPELT, suggestion.span.end as usize)
    );
    // Elsewhere, none.
    assert_eq!(code_actions(&mut client, MISSPELT, "substrate", 0), Vec::<Value>::new());
}

#[test]
fn a_suggestion_inside_a_unit_or_in_quotes_edits_only_what_it_must() {
    // `mni` inside `nm/mni`; `PVDF-HFQ` must become a quoted name.
    let text = "protocol \"p\" {\n    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }\n    tool pvd: sputter in vacuum\n    step coat: sputter MoS2 10 nm at 0.5 nm/mni using pvd\n    step cast: sputter \"PVDF-HFQ\" 10 nm using pvd\n}\n";
    let mut client = Client::new();
    client.open(text);
    client.diagnostics();
    let unit = code_actions(&mut client, text, "mni", 1);
    assert_eq!(unit[0]["title"], "replace `mni` with `min`");
    let edit = &unit[0]["edit"]["changes"][URI][0];
    assert_eq!(edit["range"]["start"], client.at(text, "mni", 0, 0));
    assert_eq!(edit["range"]["end"], client.at(text, "mni", 0, 3));
    let quoted = code_actions(&mut client, text, "PVDF-HFQ", 1);
    assert_eq!(quoted[0]["title"], "replace `\"PVDF-HFQ\"` with `\"PVDF-HFP\"`");
    assert_eq!(quoted[0]["edit"]["changes"][URI][0]["newText"], "\"PVDF-HFP\"");
}

#[test]
fn the_explain_action_shows_what_seipc_explain_prints() {
    let (mut client, initialized) = Client::start(&["utf-16"]);
    assert_eq!(
        initialized["capabilities"]["executeCommandProvider"]["commands"],
        json!(["seipc.explain"])
    );
    client.open(MISSPELT);
    client.diagnostics();
    let actions = code_actions(&mut client, MISSPELT, "MoS3", 0);
    let command = &actions.last().unwrap()["command"];
    assert_eq!(command["command"], "seipc.explain");
    let text = client
        .request(
            "workspace/executeCommand",
            json!({ "command": command["command"], "arguments": command["arguments"] }),
        )
        .unwrap();
    let section = seip::diagnostics::explain::explanation(seip::diagnostics::codes::UNKNOWN_MATERIAL).unwrap();
    assert_eq!(text, section);
    assert!(section.starts_with("## E0201\n"));
    let shown = client
        .pending
        .iter()
        .find(|n| n.method == "window/showMessage")
        .expect("the explanation is shown");
    assert_eq!(shown.params["message"], section);
    let unknown = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "seipc.explain", "arguments": ["E9999"] }),
        )
        .unwrap_err();
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("`E9999` is not a diagnostic code")
    );
}

#[test]
fn an_unknown_request_is_an_error_not_a_hang() {
    let mut client = Client::new();
    let error = client
        .request("textDocument/foldingRange", json!({ "textDocument": { "uri": URI } }))
        .unwrap_err();
    assert_eq!(error["code"], -32601);
}

#[test]
fn a_second_shutdown_is_answered_and_later_requests_refused() {
    let mut client = Client::new();
    client.open(EXAMPLE);
    assert_eq!(client.request("shutdown", Value::Null), Ok(Value::Null));
    // Neovim 0.7 sends `shutdown` when a client stops and again when the editor quits.
    assert_eq!(client.request("shutdown", Value::Null), Ok(Value::Null));
    let refused = client
        .at_position("textDocument/hover", client.at(EXAMPLE, "bath", 0, 0))
        .unwrap_err();
    assert_eq!(refused["code"], -32600);
    // `Drop` sends a third `shutdown`, then `exit`, and joins the server thread.
}

#[test]
fn declared_materials_and_precursors_are_names_too() {
    let source =
        "material TMA2 { formula: C6H18Al2 phase: liquid boils: 125 degC li_reaction: violent source: \"lab\" }
protocol \"ald\" {
    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
    tool reactor: ald_reactor in vacuum
    step coat: ald Al2O3 from TMA2, H2O 20 cycles 0.1 nm/cycle using reactor { time_per_cycle: 30 s/cycle }
}
";
    let mut client = Client::new();
    client.open(source);
    assert_eq!(client.diagnostics()["diagnostics"], json!([]));
    let definition = client
        .at_position("textDocument/definition", client.at(source, "TMA2", 1, 1))
        .unwrap();
    assert_eq!(definition["range"]["start"], client.at(source, "TMA2", 0, 0));
    let hover = client
        .at_position("textDocument/hover", client.at(source, "TMA2", 1, 1))
        .unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("  source ") && text.contains("lab"), "{text}");
    let rename = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": URI }, "position": client.at(source, "TMA2", 1, 0), "newName": "tma" }),
        )
        .unwrap();
    assert_eq!(rename["changes"][URI].as_array().unwrap().len(), 2);
}

/// Every example and case file, with the cursor at every character of the examples and
/// every fourth of the cases (to keep the test short): hover, completion, definition,
/// references and rename never panic, and every span they give lies in the text on
/// character boundaries.
#[test]
fn the_features_hold_at_every_offset_of_every_example_and_case() {
    use seip::lsp::analysis::Analysis;
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for stage in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases")).unwrap() {
        files.extend(
            std::fs::read_dir(stage.unwrap().path())
                .unwrap()
                .map(|e| e.unwrap().path()),
        );
    }
    files.retain(|path| path.extension().is_some_and(|e| e == "seip"));
    assert!(files.len() > 20);
    for path in files {
        let every = if path.starts_with(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")) {
            1
        } else {
            4
        };
        let bytes = std::fs::read(&path).unwrap();
        let source = String::from_utf8_lossy(&bytes);
        let analysis = Analysis::new(&source);
        let valid = |span: seip::span::Span| {
            let range = span.range();
            range.end <= source.len() && source.is_char_boundary(range.start) && source.is_char_boundary(range.end)
        };
        for (offset, _) in source.char_indices().step_by(every).chain([(source.len(), ' ')]) {
            if let Some((span, text)) = seip::lsp::hover::hover(&analysis, &source, offset) {
                assert!(valid(span) && !text.is_empty(), "{}: hover at {offset}", path.display());
            }
            let _ = seip::lsp::completion::complete(&analysis, &source, offset);
            assert!(
                analysis.definition(offset).is_none_or(valid),
                "{}: definition at {offset}",
                path.display()
            );
            assert!(analysis.references(offset, true).into_iter().all(valid));
            if let Ok(edits) = analysis.rename(offset, "renamed") {
                assert!(
                    edits.iter().all(|(span, _)| valid(*span)),
                    "{}: rename at {offset}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn formatting_gives_the_layout_of_seipc_fmt() {
    let messy = "protocol \"p\" {substrate li:Li foil\n step a : dry at 60 degC // why\n}";
    let mut client = Client::new();
    client.open(messy);
    client.diagnostics();
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
        )
        .unwrap();
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], seip::format::format(messy).unwrap());
    assert_eq!(edits[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
}

#[test]
fn semantic_tokens_class_every_name_by_what_it_names() {
    let (mut client, initialized) = Client::start(&["utf-16"]);
    let legend = &initialized["capabilities"]["semanticTokensProvider"]["legend"];
    let types: Vec<String> = serde_json::from_value(legend["tokenTypes"].clone()).unwrap();
    let modifiers: Vec<String> = serde_json::from_value(legend["tokenModifiers"].clone()).unwrap();
    client.open(EXAMPLE);
    client.diagnostics();
    let answer = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": URI } }),
        )
        .unwrap();
    let data: Vec<u32> = serde_json::from_value(answer["data"].clone()).unwrap();
    assert_eq!(data.len() % 5, 0);
    // Decoded: (line, character, length) -> (type, modifiers).
    let mut decoded = std::collections::BTreeMap::new();
    let (mut line, mut character) = (0, 0);
    for token in data.chunks(5) {
        if token[0] > 0 {
            character = 0;
        }
        line += token[0];
        character += token[1];
        let names: Vec<&str> = (0..modifiers.len())
            .filter(|bit| token[4] & (1 << bit) != 0)
            .map(|bit| modifiers[bit].as_str())
            .collect();
        decoded.insert((line, character, token[2]), (types[token[3] as usize].clone(), names));
    }
    let class_of = |needle: &str, nth: usize| {
        let at = client.at(EXAMPLE, needle, nth, 0);
        let key = (
            at["line"].as_u64().unwrap() as u32,
            at["character"].as_u64().unwrap() as u32,
            needle.encode_utf16().count() as u32,
        );
        decoded
            .get(&key)
            .cloned()
            .unwrap_or_else(|| panic!("no token for `{needle}` at {key:?}"))
    };
    let plain = |t: &str| (t.to_owned(), Vec::<&str>::new());
    assert_eq!(class_of("protocol", 0), plain("keyword"));
    assert_eq!(
        class_of("\"bsl-snf2\"", 0),
        ("namespace".to_owned(), vec!["declaration"])
    );
    assert_eq!(class_of("thickness", 0), plain("property"));
    assert_eq!(class_of("50", 0), plain("number"));
    assert_eq!(class_of("um", 0), plain("type"));
    assert_eq!(class_of("stirrer", 0), ("variable".to_owned(), vec!["declaration"]));
    assert_eq!(class_of("stirrer", 1), plain("variable"));
    assert_eq!(class_of("stir_plate", 0), ("class".to_owned(), vec!["defaultLibrary"]));
    assert_eq!(class_of("glovebox", 0), ("enum".to_owned(), vec!["defaultLibrary"]));
    assert_eq!(class_of("SnF2", 1), ("enumMember".to_owned(), vec!["defaultLibrary"]));
    assert_eq!(class_of("step", 0), plain("keyword"));
    assert_eq!(class_of("mix", 0), ("event".to_owned(), vec!["declaration"]));
    assert_eq!(class_of("dissolve", 1), ("function".to_owned(), vec!["defaultLibrary"]));
    let comment = EXAMPLE.lines().next().unwrap();
    assert_eq!(class_of(comment, 0), plain("comment"));
}
