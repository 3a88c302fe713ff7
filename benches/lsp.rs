//! The language server on a generated recipe of 10^4 steps (`benches/support/generate.rs`),
//! through the protocol over an in-memory connection, as an editor would drive it:
//! - `hover`: a hover on a step after the first check: the time to an answer;
//! - `recheck`: an edit, then a hover on the edited text, which makes the server check
//!   the new text first (the built-in tables were parsed once, at the first check, and
//!   are not read again).
//!
//! `SEIP_BENCH_LSP_STEPS` sets the size (default 10000).

#[path = "support/generate.rs"]
#[allow(dead_code, reason = "the scheduler's batch generator is not used here")]
mod generate;

use std::time::{Duration, Instant};

use criterion::Criterion;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

const URI: &str = "file:///bench/generated.seip";

struct Client {
    connection: Connection,
    next_id: i32,
}

impl Client {
    fn notify(&self, method: &str, params: Value) {
        let message = Notification::new(method.to_owned(), params);
        self.connection.sender.send(message.into()).unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let message = Request::new(id.clone(), method.to_owned(), params);
        self.connection.sender.send(message.into()).unwrap();
        loop {
            match self.connection.receiver.recv().unwrap() {
                Message::Response(response) if response.id == id => return response.response_result.unwrap(),
                _ => {}
            }
        }
    }
}

/// A small recipe, checked before anything else in the process: its first check parses
/// the built-in tables, every later one finds them parsed.
const SMALL: &str = "protocol \"p\" {
    substrate li: Li foil { thickness: 50 um, area: 1 cm2 }
    tool pvd: sputter in vacuum
    step coat: sputter LiF 20 nm at 1 nm/min using pvd
}
";

/// The first check against the best of the next twenty: the difference is the reading of
/// the built-in tables, which an edit does not repeat.
fn tables_are_read_once() {
    let start = Instant::now();
    assert!(!seip::compile(SMALL).has_errors());
    let first = start.elapsed();
    let later = (0..20)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(seip::compile(SMALL));
            start.elapsed()
        })
        .min()
        .unwrap();
    println!("small recipe: first check (built-in tables read) {first:.2?}, later checks {later:.2?}");
}

fn lsp(criterion: &mut Criterion) {
    tables_are_read_once();
    let steps = std::env::var("SEIP_BENCH_LSP_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let source = generate::protocols(steps, 1, 7);
    let (server_side, client_side) = Connection::memory();
    let server = std::thread::spawn(move || seip::lsp::run(&server_side).unwrap());
    let mut client = Client {
        connection: client_side,
        next_id: 0,
    };
    client.request("initialize", json!({ "capabilities": {} }));
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": URI, "languageId": "seip", "version": 1, "text": source } }),
    );
    // The last step of the file: its hover has the stack of a long protocol's end.
    let offset = source.rfind("    step ").unwrap() + "    step ".len();
    let line = source[..offset].matches('\n').count();
    let character = offset - source[..offset].rfind('\n').unwrap() - 1;
    let hover = json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } });
    // The first check, outside the timing.
    let first = client.request("textDocument/hover", hover.clone());
    assert!(
        first["contents"]["value"].as_str().unwrap().contains("**step"),
        "{first}"
    );

    let mut group = criterion.benchmark_group("lsp");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function(format!("hover/{steps}"), |b| {
        b.iter(|| client.request("textDocument/hover", hover.clone()))
    });
    let mut version = 1;
    group.bench_function(format!("recheck/{steps}"), |b| {
        b.iter(|| {
            version += 1;
            // A different text each time (a comment's content), so every check is real.
            let edited = format!("{source}// edit {version}\n");
            client.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": edited }] }),
            );
            client.request("textDocument/hover", hover.clone())
        })
    });
    group.finish();
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    server.join().unwrap();
}

criterion::criterion_group!(benches, lsp);
criterion::criterion_main!(benches);
