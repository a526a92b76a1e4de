//! A school simulator for Handle with Care: takes notices, and checks — independently of our
//! own message type — that nothing beyond the allowed fields arrives.

use super::{Common, Refusal, common_routes};
use crate::school::{CODE_WORD, NOTICE_PATH};
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use serde_json::Value;
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

const NOTICE_FIELDS: [&str; 5] = ["child", "codeWord", "contactPerson", "noticeId", "school"];
const CHILD_FIELDS: [&str; 3] = ["dateOfBirth", "familyName", "givenName"];

#[derive(Default)]
pub struct School {
    pub common: Arc<Common>,
    notices: Mutex<Vec<Value>>,
}

/// What is wrong with a notice, if anything: a field too many or missing, or another code word.
pub fn check_notice(v: &Value) -> Result<(), String> {
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        k.sort();
        k
    };
    if keys(v) != NOTICE_FIELDS {
        return Err(format!("notice fields {:?}, allowed {:?}", keys(v), NOTICE_FIELDS));
    }
    if keys(&v["child"]) != CHILD_FIELDS {
        return Err(format!("child fields {:?}, allowed {:?}", keys(&v["child"]), CHILD_FIELDS));
    }
    if v["codeWord"] != CODE_WORD {
        return Err("the code word is missing".into());
    }
    Ok(())
}

impl School {
    pub fn notices(&self) -> Vec<Value> {
        self.notices.lock().expect("simulator state lock").clone()
    }

    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route(NOTICE_PATH, post(notice))
            .with_state(self.clone())
            .merge(common_routes(self.common.clone()))
    }

    pub async fn start(listener: tokio::net::TcpListener) -> std::io::Result<(Arc<Self>, SocketAddr)> {
        let school = Arc::new(Self::default());
        let addr = super::spawn(school.router(), listener).await?;
        Ok((school, addr))
    }
}

async fn notice(State(school): State<Arc<School>>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, Refusal> {
    let (_, _, duplicate) = school.common.accept(NOTICE_PATH, &headers, &body).await?;
    if duplicate {
        return Ok(StatusCode::OK);
    }
    let v: Value = serde_json::from_slice(&body).map_err(|e| Refusal(StatusCode::BAD_REQUEST, e.to_string()))?;
    check_notice(&v).map_err(|e| Refusal(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    school.notices.lock().expect("simulator state lock").push(v);
    Ok(StatusCode::ACCEPTED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_allowed_fields_pass() {
        let ok = json!({
            "noticeId": "n", "school": "De Wilg", "contactPerson": "Ilse", "codeWord": "Handle with Care",
            "child": { "givenName": "Sam", "familyName": "Jansen", "dateOfBirth": "2018-04-01" },
        });
        assert!(check_notice(&ok).is_ok());
        let mut extra = ok.clone();
        extra["incident"] = json!("police");
        assert!(check_notice(&extra).is_err());
        let mut address = ok.clone();
        address["child"]["address"] = json!("Geheimstraat 1");
        assert!(check_notice(&address).is_err());
        let mut word = ok;
        word["codeWord"] = json!("urgent");
        assert!(check_notice(&word).is_err());
    }
}
