//! Reports of the norm figures as files: JSON (for systems), CSV (for a municipality's
//! spreadsheet) and HTML (self-contained and printable, in Dutch: inline CSS and SVG bars with
//! the threshold and the previous period; no script, no external URL). Used by `veerkracht
//! report norms` and by the GraphQL `normReport`; both read through `cases::norms::report`.

use crate::{
    audit::{self, RequestMeta},
    auth::Principal,
    cases::{
        norms::{self, Figure, NormRequest, Overview},
        partners,
    },
    domain::norms::{Measure, Ratio, Status},
    error::{AppError, AppResult},
};
use entities::{Role, organisation};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::fmt::Write;

/// The norm report of organisation `slug` for the operator's command line: read as the
/// organisation's quality officer, and logged so in its access log.
pub async fn norm_report_as_operator<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    period: String,
    format: Format,
) -> AppResult<File> {
    let org = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let principal = Principal {
        organisation_slug: org.slug.clone(),
        roles: vec![Role::QualityOfficer],
        ..partners::system_principal(org.id, "veerkracht report (command line)", None)
    };
    let meta = RequestMeta {
        request_id: format!("report-{}", uuid::Uuid::now_v7()),
        client_address: None,
        user_agent: Some("veerkracht report".into()),
    };
    let request = NormRequest { period, ..NormRequest::default() };
    let (organisation, overview) = norms::report(db, &principal, request).await?;
    audit::append(db, &principal, &meta, &[overview.read_event("norm-report")]).await?;
    Ok(render(&organisation, &overview, format))
}

/// A report's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Csv,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "html" => Some(Self::Html),
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// A rendered report.
pub struct File {
    /// E.g. `normenkader-de-haven-2026-Q3.html`.
    pub filename: String,
    pub content_type: &'static str,
    pub body: String,
}

pub fn render(organisation: &organisation::Model, overview: &Overview, format: Format) -> File {
    let period = overview.scope.period.label().replace("..", "_");
    let body = match format {
        Format::Json => json_report(organisation, overview),
        Format::Csv => csv_report(overview),
        Format::Html => html_report(organisation, overview),
    };
    File {
        filename: format!("normenkader-{}-{period}.{}", organisation.slug, format.extension()),
        content_type: format.content_type(),
        body,
    }
}

fn json_report(organisation: &organisation::Model, overview: &Overview) -> String {
    let figures: Vec<_> = overview
        .figures
        .iter()
        .map(|f| {
            json!({
                "code": f.indicator.code,
                "norm": f.indicator.norm,
                "name": f.indicator.name,
                "nameNl": f.indicator.name_nl,
                "numerator": f.count.map(|c| c.numerator),
                "denominator": f.count.map(|c| c.denominator),
                "share": f.share(),
                "threshold": f.indicator.threshold,
                "status": f.status.as_str(),
                "previousShare": f.previous_share(),
            })
        })
        .collect();
    let period = &overview.scope.period;
    let report = json!({
        "organisation": organisation.slug,
        "period": { "from": period.from, "to": period.to },
        "figures": figures,
    });
    serde_json::to_string_pretty(&report).expect("a JSON value serialises")
}

fn csv_report(overview: &Overview) -> String {
    let mut out =
        String::from("code,norm,name,name_nl,numerator,denominator,share,threshold,status,previous_share\r\n");
    let number = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
    let count = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for f in &overview.figures {
        let fields = [
            f.indicator.code.to_string(),
            f.indicator.norm.to_string(),
            f.indicator.name.to_string(),
            f.indicator.name_nl.to_string(),
            count(f.count.map(|c| c.numerator)),
            count(f.count.map(|c| c.denominator)),
            number(f.share()),
            number(f.indicator.threshold),
            f.status.as_str().to_string(),
            number(f.previous_share()),
        ];
        let line: Vec<String> = fields.iter().map(|v| csv_field(v)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. A field
/// a spreadsheet would run as a formula is prefixed with a quote (OWASP CSV injection).
fn csv_field(v: &str) -> String {
    let v =
        if v.starts_with(['=', '+', '-', '@']) && v.parse::<f64>().is_err() { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\r', '\n']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn percent(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// The figure as shown: a percentage for a share, a number for a mean.
fn shown(f: &Figure, v: Option<f64>) -> String {
    match (v, f.indicator.ratio) {
        (None, _) => "—".into(),
        (Some(v), Ratio::Share) => percent(v),
        (Some(v), Ratio::Mean { .. }) => format!("{v:.1}"),
    }
}

/// A bar for the figure, a line at the threshold and a tick at the previous period's figure.
/// Shares run from 0 to 100 %; a mean's scale is twice the largest of its values.
fn bar(f: &Figure) -> String {
    const WIDTH: f64 = 200.0;
    let Some(value) = f.share() else { return String::new() };
    let scale = match f.indicator.ratio {
        Ratio::Share => 1.0,
        Ratio::Mean { .. } => {
            let most =
                [Some(value), f.indicator.threshold, f.previous_share()].into_iter().flatten().fold(0.0, f64::max);
            if most > 0.0 { most * 2.0 } else { 1.0 }
        }
    };
    let x = |v: f64| (v / scale).clamp(0.0, 1.0) * WIDTH;
    let colour = match f.status {
        Status::NotMet => "#c0392b",
        Status::Met => "#2e7d32",
        _ => "#546e7a",
    };
    let mut svg = format!(
        r##"<svg width="{WIDTH}" height="18" role="img" aria-label="{}"><rect x="0" y="3" width="{WIDTH}" height="12" fill="#eceff1"/><rect x="0" y="3" width="{:.1}" height="12" fill="{colour}"/>"##,
        escape(&shown(f, Some(value))),
        x(value)
    );
    if let Some(t) = f.indicator.threshold {
        let _ = write!(
            svg,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="0" y2="18" stroke="#000" stroke-width="2"><title>norm</title></line>"##,
            x(t)
        );
    }
    if let Some(p) = f.previous_share() {
        let _ = write!(
            svg,
            r##"<path d="M{0:.1} 18 l-4 -5 h8 z" fill="#37474f"><title>vorige periode</title></path>"##,
            x(p)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The text with its first letter a capital.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn html_report(organisation: &organisation::Model, overview: &Overview) -> String {
    let period = &overview.scope.period;
    let mut rows = String::new();
    for f in &overview.figures {
        let counts = f.count.map_or("—".into(), |c| format!("{} / {}", c.numerator, c.denominator));
        let threshold = match (f.indicator.threshold, f.indicator.ratio) {
            (None, _) => "—".into(),
            (Some(t), Ratio::Share) => format!("≥ {}", percent(t)),
            (Some(t), Ratio::Mean { .. }) => format!("≤ {t:.1}"),
        };
        // What is counted, in Dutch: who (noemer) and who of them (teller); or why it cannot be.
        let definition = match f.indicator.measure {
            Measure::Counted => format!("{}: {}", f.indicator.denominator_nl, f.indicator.numerator_nl),
            Measure::NotRecordable(_, why) => format!("Niet vast te leggen: {why}."),
        };
        let _ = writeln!(
            rows,
            "<tr class=\"{}\"><td>{}</td><td>{}<div class=\"def\">{}</div></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            f.status.as_str().to_lowercase(),
            escape(f.indicator.code),
            escape(f.indicator.name_nl),
            escape(&upper_first(&definition)),
            counts,
            shown(f, f.share()),
            bar(f),
            threshold,
            shown(f, f.previous_share()),
            f.status.label_nl(),
        );
    }
    format!(
        r##"<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Normenkader kinderen in de MO — {name} — {label}</title>
<style>
body {{ font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #212121; }}
h1 {{ font-size: 16pt; margin-bottom: 0; }}
p.sub {{ margin-top: .2em; color: #546e7a; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: .35em .5em; border-bottom: 1px solid #cfd8dc; vertical-align: top; }}
td.n {{ text-align: right; white-space: nowrap; }}
div.def {{ font-size: 9pt; color: #546e7a; }}
tr.not_met td:last-child {{ color: #c0392b; font-weight: bold; }}
tr.met td:last-child {{ color: #2e7d32; }}
@page {{ size: A4 landscape; margin: 1.5cm; }}
@media print {{ body {{ margin: 0; }} tr {{ page-break-inside: avoid; }} }}
</style>
</head>
<body>
<h1>Normenkader kinderen in de MO</h1>
<p class="sub">{name} · periode {label}: {from} t/m {to}</p>
<table>
<thead><tr><th>Code</th><th>Indicator</th><th class="n">Teller / noemer</th><th class="n">Uitkomst</th><th></th><th class="n">Norm</th><th class="n">Vorige periode</th><th>Status</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
<p class="sub">De balk toont de uitkomst; de zwarte streep de norm, het driehoekje de vorige periode. Normen anders dan de SKJ-streefnorm (75 %) zijn voorstellen. Aantallen van 1 tot 4 worden voor gemeenten niet getoond.</p>
</body>
</html>
"##,
        name = escape(&organisation.name),
        label = escape(&period.label()),
        from = period.from.format("%d-%m-%Y"),
        to = period.to.format("%d-%m-%Y"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Bereik"), "Bereik");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("zei \"ja\""), "\"zei \"\"ja\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-0.5"), "-0.5", "a negative number stays a number");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape("<b>\"&"), "&lt;b&gt;&quot;&amp;");
    }
}
