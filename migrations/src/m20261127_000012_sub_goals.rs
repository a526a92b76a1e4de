//! The sub-goals a–j as the method defines them (IB 172-205). The first version gave b–i other
//! meanings; stored goals are moved by meaning where one exists (old b "understands" is the
//! method's c, old c "stable daily life" its b, old f "expresses feelings" its d, old g
//! "supportive network" its e). Old d (school), e (health) and i (leisure) are not sub-goals of
//! the method: goals with them keep their letters and are marked for review, with a note saying
//! what the letter meant, never silently given a new meaning.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, JsonValue, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Old letter → the method's letter of the same meaning.
const BY_MEANING: [(&str, &str); 7] =
    [("A", "A"), ("B", "C"), ("C", "B"), ("F", "D"), ("G", "E"), ("H", "H"), ("J", "J")];
/// Old letters without a counterpart, with what they meant.
const WITHOUT: [(&str, &str); 3] = [
    ("D", "School of kinderopvang loopt door"),
    ("E", "De gezondheid en basisbehoeften van het kind zijn verzorgd"),
    ("I", "Het kind heeft ontspanning en vrije tijd"),
];

/// A goal's letters in the method's meaning, and the review note when some had none.
fn remap(old: &[String]) -> (Vec<String>, Option<String>) {
    let mut letters = Vec::new();
    let mut notes = Vec::new();
    for l in old {
        if let Some((_, new)) = BY_MEANING.iter().find(|(o, _)| o == l) {
            letters.push(String::from(*new));
        } else if let Some((_, meant)) = WITHOUT.iter().find(|(o, _)| o == l) {
            letters.push(l.clone());
            notes.push(format!("{} meant “{meant}”", l.to_lowercase()));
        } else {
            letters.push(l.clone());
        }
    }
    letters.sort();
    letters.dedup();
    let note = (!notes.is_empty()).then(|| {
        format!(
            "Sub-goals now follow the method (IB 172-205); before, {}, which is not one of its sub-goals. Choose this goal's sub-goals again.",
            notes.join(" and ")
        )
    });
    (letters, note)
}

fn letters_of(v: &JsonValue) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|l| l.as_str().map(str::to_string)).collect()
}

async fn rewrite<F>(m: &SchemaManager<'_>, change: F) -> Result<(), DbErr>
where
    F: Fn(Vec<String>, bool) -> (Vec<String>, Option<Option<String>>),
{
    let db = m.get_connection();
    let rows = db
        .query_all_raw(Statement::from_string(m.get_database_backend(), "SELECT id, sub_goals, needs_review FROM goal"))
        .await?;
    for row in rows {
        let id: sea_orm_migration::sea_orm::prelude::Uuid = row.try_get("", "id")?;
        let old: JsonValue = row.try_get("", "sub_goals")?;
        let (letters, note) = change(letters_of(&old), row.try_get("", "needs_review")?);
        let mut update = Query::update();
        update
            .table(Alias::new("goal"))
            .value(Alias::new("sub_goals"), JsonValue::from(letters))
            .and_where(Expr::col(Alias::new("id")).eq(id));
        if let Some(note) = note {
            update.value(Alias::new("needs_review"), note.is_some()).value(Alias::new("review_note"), note);
        }
        db.execute(&update).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("goal"))
                .add_column(ColumnDef::new(Alias::new("needs_review")).boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("goal"))
                .add_column(ColumnDef::new(Alias::new("review_note")).text().null())
                .to_owned(),
        )
        .await?;
        rewrite(m, |old, _| {
            let (letters, note) = remap(&old);
            (letters, Some(note))
        })
        .await
    }

    /// Best effort: letters moved by meaning move back; letters kept for review stay.
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        rewrite(m, |new, needs_review| {
            let mut letters: Vec<String> = new
                .into_iter()
                .map(|l| {
                    let kept = needs_review && WITHOUT.iter().any(|(o, _)| *o == l);
                    match BY_MEANING.iter().find(|(_, n)| *n == l) {
                        Some((old, _)) if !kept => String::from(*old),
                        _ => l,
                    }
                })
                .collect();
            letters.sort();
            letters.dedup();
            (letters, None)
        })
        .await?;
        for column in ["review_note", "needs_review"] {
            m.alter_table(Table::alter().table(Alias::new("goal")).drop_column(Alias::new(column)).to_owned()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| String::from(*s)).collect()
    }

    #[test]
    fn old_letters_move_by_meaning() {
        // The demo's "Veilig wonen en slapen" was A + C (stable daily life): now a + b.
        assert_eq!(remap(&letters(&["A", "C"])), (letters(&["A", "B"]), None));
        // "Mama en kind praten over wat er gebeurd is": F (feelings) + J → d + j.
        assert_eq!(remap(&letters(&["F", "J"])), (letters(&["D", "J"]), None));
        assert_eq!(remap(&letters(&["B", "G", "H"])), (letters(&["C", "E", "H"]), None));
    }

    #[test]
    fn letters_without_a_counterpart_are_kept_for_review() {
        let (kept, note) = remap(&letters(&["A", "D"]));
        assert_eq!(kept, letters(&["A", "D"]));
        let note = note.expect("marked for review");
        assert!(note.contains("d meant “School of kinderopvang loopt door”"), "{note}");
        let (_, note) = remap(&letters(&["E", "I"]));
        assert!(note.unwrap().contains("e meant"));
    }
}
