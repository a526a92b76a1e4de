//! Bad input never turns into INTERNAL, on either database: a seeded, bounded run of text
//! inputs that databases and drivers treat differently (NUL, lone surrogates' neighbours,
//! right-to-left marks, very long text, SQL fragments) through the mutations that store text.
//! Every answer is data or a caller's error with a code; what was accepted reads back as sent.
//! `.ci/run` runs the suite on SQLite and PostgreSQL, so this runs on both (issue 11, item 9).

use serde_json::{Value, json};
use tests::*;

/// Text that has broken a database or driver somewhere.
const PALETTE: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "a\u{0}b",
    "\u{1}\u{7f}\u{9f}",
    "\u{202e}evil\u{202c}",
    "\u{1f600}\u{fe0f}",
    "e\u{301}",
    "\u{fffd}\u{ffff}",
    "'; DROP TABLE person; --",
    "%_\\",
    "\t\r\n",
    "Zoë",
];

/// A small deterministic generator (xorshift64), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn text(&mut self) -> String {
        let parts = 1 + self.next() % 3;
        let mut s: String = (0..parts).map(|_| PALETTE[(self.next() % PALETTE.len() as u64) as usize]).collect();
        if self.next().is_multiple_of(10) {
            s = s.repeat(2000);
        }
        s
    }
}

const CODES: &[&str] = &["BAD_USER_INPUT", "CONFLICT", "NOT_FOUND"];

/// The answer is data or a caller's error: never INTERNAL, never a 5xx.
#[track_caller]
fn caller_error_or_data(status: u16, body: &Value, input: &Value) -> bool {
    let input: String = input.to_string().chars().take(300).collect();
    assert!(status < 500, "{status} for {input}: {body}");
    match body["errors"].as_array() {
        None => true,
        Some(errors) => {
            for e in errors {
                let code = e["extensions"]["code"].as_str().unwrap_or_default();
                assert!(CODES.contains(&code), "{code} for {input}: {body}");
            }
            false
        }
    }
}

#[tokio::test]
async fn text_inputs_are_stored_as_sent_or_refused_as_the_caller_s_error() {
    let app = spawn_app().await;
    let org = org(&app, "haven").await;
    let family = admit(&app, &org, family_input(&org, 1)).await;
    let child = family["children"][0]["id"].clone();
    let person = family["children"][0]["person"]["id"].clone();
    let t = &org.worker_token;
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    let (mut accepted, mut refused) = (0, 0);

    for _ in 0..60 {
        // A person's names.
        let (given, family_name) = (rng.text(), rng.text());
        let input = json!({ "id": person, "givenName": given, "familyName": family_name });
        let (status, body) = app
            .post(
                Some(t),
                "mutation($i: UpdatePersonInput!) { updatePerson(input: $i) { person { givenName familyName } } }",
                json!({ "i": input }),
            )
            .await;
        if caller_error_or_data(status, &body, &input) {
            accepted += 1;
            // Names are stored without surrounding white space.
            assert_eq!(
                body["data"]["updatePerson"]["person"],
                json!({ "givenName": given.trim(), "familyName": family_name.trim() }),
                "read back as sent"
            );
        } else {
            refused += 1;
        }

        // A contact's summary and agreements, as variables.
        let (summary, agreements) = (rng.text(), rng.text());
        let input = json!({ "childId": child, "kind": "CHILD_TALK", "summary": summary, "agreements": agreements, "participants": [rng.text()] });
        let (status, body) = app
            .post(
                Some(t),
                "mutation($i: RecordContactInput!) { recordContact(input: $i) { contact { summary agreements } } }",
                json!({ "i": input }),
            )
            .await;
        if caller_error_or_data(status, &body, &input) {
            accepted += 1;
            let back = &body["data"]["recordContact"]["contact"];
            assert!(
                as_sent(&back["summary"], &summary) && as_sent(&back["agreements"], &agreements),
                "{back} for {input}"
            );
        } else {
            refused += 1;
        }

        // An admission with fuzzed names, BSN and date, written into the document itself.
        let mut input = family_input(&org, 1);
        input["members"][0]["givenName"] = json!(rng.text());
        input["members"][0]["bsn"] = json!(rng.text());
        input["members"][1]["familyName"] = json!(rng.text());
        let literal = graphql_literal(&input);
        let (status, body) = app
            .post(Some(t), &format!("mutation {{ admitFamily(input: {literal}) {{ family {{ id }} }} }}"), json!({}))
            .await;
        if caller_error_or_data(status, &body, &input) { accepted += 1 } else { refused += 1 }
    }
    assert!(
        accepted > 20 && refused > 20,
        "the palette exercises both outcomes: {accepted} accepted, {refused} refused"
    );

    // The NUL character is refused before anything runs, naming its field.
    let err = app
        .gql_error(
            t,
            "mutation($i: RecordContactInput!) { recordContact(input: $i) { contact { id } } }",
            json!({ "i": {
            "childId": child, "kind": "CHILD_TALK", "summary": "before\u{0}after" } }),
        )
        .await;
    assert_eq!(
        (err["extensions"]["code"].clone(), err["extensions"]["field"].clone()),
        (json!("BAD_USER_INPUT"), json!("i.summary")),
        "{err}"
    );
}

/// Read back as sent, up to surrounding white space (blank text may be stored as none).
fn as_sent(stored: &Value, sent: &str) -> bool {
    match stored.as_str() {
        Some(s) => s == sent || s == sent.trim(),
        None => sent.trim().is_empty(),
    }
}

/// The enum values of `family_input`, written bare in a literal.
const ENUMS: &[&str] = &["CARING_PARENT", "CHILD", "FEMALE"];

/// `value` written as a GraphQL input literal: object keys unquoted, enums bare, strings as
/// JSON strings (whose escapes GraphQL shares).
fn graphql_literal(value: &Value) -> String {
    match value {
        Value::Object(fields) => {
            let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {}", graphql_literal(v))).collect();
            format!("{{ {} }}", inner.join(", "))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(graphql_literal).collect::<Vec<_>>().join(", ")),
        Value::String(s) if ENUMS.contains(&s.as_str()) => s.clone(),
        other => other.to_string(),
    }
}
