//! In JSON log mode every line the binary writes to stderr is a JSON record (issue 14,
//! observability): a log pipeline that parses each line must never meet plain text — not at
//! start, not on a configuration error, not when a command fails.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

fn veerkracht(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_veerkracht"));
    command.current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    command.env("VEERKRACHT_LOG_FORMAT", "json").stdout(Stdio::null()).stderr(Stdio::piped());
    command
}

fn assert_json_lines(stderr: &str) -> Vec<serde_json::Value> {
    assert!(!stderr.trim().is_empty(), "nothing logged");
    stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON record: {line:?}")))
        .collect()
}

#[test]
fn serving_and_failing_log_only_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut server =
        veerkracht(dir.path()).args(["serve", "--demo"]).env("VEERKRACHT_LISTEN", "127.0.0.1:0").spawn().unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut lines = String::new();
    let address = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "the server stopped: {lines}");
        lines.push_str(&line);
        if let Some(address) = line.split("listening on http://").nth(1) {
            break address.split('"').next().unwrap().to_string();
        }
    };
    let status = std::net::TcpStream::connect(&address).map(|mut s| {
        use std::io::{Read, Write};
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        answer
    });
    assert!(status.unwrap().starts_with("HTTP/1.1 200"));
    server.kill().unwrap();
    server.wait().unwrap();
    std::io::Read::read_to_string(&mut stderr, &mut lines).unwrap();
    let records = assert_json_lines(&lines);
    assert!(records.iter().any(|r| r["fields"]["message"] == "response"), "{lines}");

    // A setting that does not exist, and production without its keys: one JSON record each.
    for (key, value) in [("VEERKRACHT_NO_SUCH_SETTING", "1"), ("VEERKRACHT_MODE", "production")] {
        let out = veerkracht(dir.path())
            .arg("serve")
            .env("VEERKRACHT_LISTEN", "127.0.0.1:0")
            .env(key, value)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let records = assert_json_lines(&String::from_utf8_lossy(&out.stderr));
        assert_eq!(records.last().unwrap()["level"], "ERROR", "{records:?}");
    }
}
