//! Het Kwaliteitsinstrument Veerkracht (IB 920-932): a manager scores a location's checklist
//! for a year — pre-filled where a norm figure measures an item — writes the improvement plan
//! and signs it; signed, it no longer changes. Norm 5 counts the locations that did this.

use super::{
    Actor,
    admission::location_in_org,
    norms::{self, NormScope},
    records::non_empty,
};
use crate::{
    domain::{
        norms::{Count, Period, indicator},
        quality::{ITEMS, Item, MAX_SCORE, item_by_key, suggested_score},
    },
    error::{AppError, AppResult, Violation},
    policy,
};
use chrono::{Datelike, NaiveDate, Utc};
use entities::{location, quality_assessment};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A location's self-assessment for a year as the manager sees it: each item with its score
/// (when given), the score a norm figure suggests, and the figure.
pub struct Assessment {
    pub location: location::Model,
    pub year: i32,
    /// None until something was saved.
    pub record: Option<quality_assessment::Model>,
    pub items: Vec<AssessedItem>,
}

pub struct AssessedItem {
    pub item: &'static Item,
    pub score: Option<u8>,
    /// The figure over the location's year so far and the score it suggests.
    pub figure: Option<Count>,
    pub suggested: Option<u8>,
}

impl Assessment {
    fn scores(&self) -> BTreeMap<&'static str, u8> {
        self.items.iter().filter_map(|i| i.score.map(|s| (i.item.key, s))).collect()
    }
}

/// The self-assessment of `location_id` for `year`, pre-filled: one count per figure-backed item.
pub async fn assessment<C: ConnectionTrait>(
    db: &C,
    actor: Actor<'_>,
    location_id: Uuid,
    year: i32,
) -> AppResult<Assessment> {
    let p = actor.principal;
    policy::read_quality_assessments(p)?;
    let location = location_in_org(db, p.organisation_id, location_id).await?;
    let period = Period::parse(&year.to_string()).map_err(|e| AppError::invalid("year", e.to_string()))?;
    let record = quality_assessment::Entity::find()
        .filter(quality_assessment::Column::LocationId.eq(location.id))
        .filter(quality_assessment::Column::Year.eq(year))
        .one(db)
        .await?;
    let saved: BTreeMap<String, u8> =
        record.as_ref().map(|r| serde_json::from_value(r.scores.clone()).unwrap_or_default()).unwrap_or_default();
    let scope = NormScope {
        organisation_id: p.organisation_id,
        period,
        location_id: Some(location.id),
        location_kind: None,
        setting: None,
        age_band: None,
    };
    let codes: Vec<&str> = ITEMS.iter().filter_map(|i| i.figure).collect();
    let mut counts = norms::count_all(db, &codes, &scope).await?.into_iter();
    let items = ITEMS
        .iter()
        .map(|item| {
            let figure = item.figure.and_then(|_| counts.next().flatten());
            let suggested = item
                .figure
                .and_then(indicator)
                .zip(figure)
                .and_then(|(i, c)| i.figure(c).map(|share| suggested_score(share, i.threshold)));
            AssessedItem { item, score: saved.get(item.key).copied(), figure, suggested }
        })
        .collect();
    Ok(Assessment { location, year, record, items })
}

/// Scores of some items, and the improvement plan.
#[derive(Debug, Clone, Default)]
pub struct SaveAssessment {
    pub location_id: Uuid,
    pub year: i32,
    /// Item key and score (0 to 2); items left out keep their score.
    pub scores: Vec<(String, i32)>,
    pub improvement_plan: Option<String>,
}

/// Saves a draft: scores of items, the improvement plan. A signed assessment is not changed.
pub async fn save(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    cmd: SaveAssessment,
) -> AppResult<quality_assessment::Model> {
    let p = actor.principal;
    policy::assess_quality(p)?;
    let location = location_in_org(txn, p.organisation_id, cmd.location_id).await?;
    let this_year = Utc::now().year();
    let mut violations = Vec::new();
    if !(2000..=this_year).contains(&cmd.year) {
        violations.push(Violation::new("input.year", format!("a year from 2000 to {this_year}")));
    }
    for (n, (key, score)) in cmd.scores.iter().enumerate() {
        if item_by_key(key).is_none() {
            violations.push(Violation::new(format!("input.scores[{n}].key"), format!("no item {key:?}")));
        }
        if !(0..=i32::from(MAX_SCORE)).contains(score) {
            violations.push(Violation::new(
                format!("input.scores[{n}].score"),
                format!("0 (not), 1 (partly) or {MAX_SCORE} (fully)"),
            ));
        }
    }
    if !violations.is_empty() {
        return Err(AppError::BadUserInput(violations));
    }
    let found = quality_assessment::Entity::find()
        .filter(quality_assessment::Column::LocationId.eq(location.id))
        .filter(quality_assessment::Column::Year.eq(cmd.year))
        .lock_exclusive()
        .one(txn)
        .await?;
    if found.as_ref().is_some_and(|f| f.signed_on.is_some()) {
        return Err(AppError::Conflict("this self-assessment is signed; it no longer changes".into()));
    }
    let mut scores: BTreeMap<String, u8> =
        found.as_ref().map(|f| serde_json::from_value(f.scores.clone()).unwrap_or_default()).unwrap_or_default();
    scores.extend(cmd.scores.into_iter().map(|(key, score)| (key, score as u8)));
    let scores = serde_json::to_value(&scores).map_err(AppError::internal)?;
    let plan = non_empty(cmd.improvement_plan);
    let now = Utc::now();
    let saved = match found {
        Some(f) => {
            let keep_plan = f.improvement_plan.clone();
            let mut a: quality_assessment::ActiveModel = f.into();
            a.scores = Set(scores);
            a.improvement_plan = Set(plan.or(keep_plan));
            a.updated_at = Set(now);
            a.update(txn).await?
        }
        None => {
            let model = quality_assessment::Model {
                id: Uuid::now_v7(),
                organisation_id: p.organisation_id,
                location_id: location.id,
                year: cmd.year,
                scores,
                improvement_plan: plan,
                signed_by_worker_id: None,
                signed_on: None,
                created_at: now,
                updated_at: now,
            };
            quality_assessment::ActiveModel::from(model).insert(txn).await?
        }
    };
    Ok(saved)
}

/// Signs the self-assessment: every item scored and an improvement plan written (IB 926-927).
/// Signed on `signed_on` (a paper form signed earlier), today by default.
pub async fn sign(
    actor: Actor<'_>,
    txn: &DatabaseTransaction,
    location_id: Uuid,
    year: i32,
    signed_on: Option<NaiveDate>,
) -> AppResult<quality_assessment::Model> {
    let p = actor.principal;
    policy::assess_quality(p)?;
    let location = location_in_org(txn, p.organisation_id, location_id).await?;
    let found = quality_assessment::Entity::find()
        .filter(quality_assessment::Column::LocationId.eq(location.id))
        .filter(quality_assessment::Column::Year.eq(year))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("quality self-assessment"))?;
    if found.signed_on.is_some() {
        return Err(AppError::Conflict("this self-assessment is signed already".into()));
    }
    let scores: BTreeMap<String, u8> = serde_json::from_value(found.scores.clone()).unwrap_or_default();
    let mut violations: Vec<Violation> = ITEMS
        .iter()
        .filter(|i| !scores.contains_key(i.key))
        .map(|i| Violation::new("scores", format!("item {} is not scored", i.key)))
        .collect();
    if found.improvement_plan.is_none() {
        violations.push(Violation::new("improvementPlan", "the improvement plan is the point of the self-assessment"));
    }
    let today = Utc::now().date_naive();
    let signed_on = signed_on.unwrap_or(today);
    if signed_on > today || signed_on.year() < year {
        violations.push(Violation::new("signedOn", format!("a day of {year} or later, not after today")));
    }
    if !violations.is_empty() {
        return Err(AppError::BadUserInput(violations));
    }
    let mut a: quality_assessment::ActiveModel = found.into();
    a.signed_by_worker_id = Set(p.worker_id);
    a.signed_on = Set(Some(signed_on));
    a.updated_at = Set(Utc::now());
    Ok(a.update(txn).await?)
}

/// The scores per part and in total of an assessment, 0 to 1.
pub fn part_scores(a: &Assessment) -> (Vec<(crate::domain::quality::Part, Option<f64>)>, Option<f64>) {
    use crate::domain::quality::{parts, score};
    let scores = a.scores();
    let per_part = parts()
        .into_iter()
        .map(|part| (part, score(ITEMS.iter().filter(|i| i.part == part).filter_map(|i| scores.get(i.key)))))
        .collect();
    (per_part, score(scores.values()))
}
