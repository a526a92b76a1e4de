//! The records of the Veerkracht method: first contact, intake, contacts, safety (Signs of
//! Safety, safety plans, the meldcode), screenings, action plans with evaluations, and the
//! child's network. Every record belongs to one child's trajectory.

use crate::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A record about one child within their trajectory, with who recorded it and when.
fn child_record(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(pk_uuid("id"))
        .col(uuid("organisation_id"))
        .col(uuid("child_id"))
        .col(uuid("trajectory_id"))
        .col(uuid_null("recorded_by_worker_id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(&mut fk(table, "organisation_id", "organisation"))
        .foreign_key(&mut fk(table, "child_id", "person"))
        .foreign_key(&mut fk(table, "trajectory_id", "trajectory"))
        .foreign_key(&mut fk(table, "recorded_by_worker_id", "worker"))
        .take()
}

fn part_of(table: &'static str, parent_column: &'static str, parent: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(pk_uuid("id"))
        .col(uuid(parent_column))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut fk(table, parent_column, parent))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            child_record("first_contact")
                .col(date("contact_on"))
                .col(boolean("warm_welcome"))
                .col(boolean("house_rules_explained"))
                .col(boolean("complaints_procedure_explained"))
                .col(boolean("confidant_explained"))
                .col(boolean("risk_violence"))
                .col(boolean("risk_trauma"))
                .col(boolean("risk_development"))
                .col(text_null("risk_notes"))
                .col(boolean("network_mapped_with_parent"))
                .col(text_null("notes"))
                .take(),
        )
        .await?;
        m.create_index(index("first_contact", &["trajectory_id"], true)).await?;

        m.create_table(
            child_record("intake")
                .col(date("held_on"))
                .col(string_len("education_kind", 40))
                .col(string_null("education_name"))
                .col(string_null("education_contact_name"))
                .col(string_null("education_contact_phone"))
                .col(string_null("education_contact_email"))
                .col(text_null("clubs"))
                .col(text_null("health"))
                .col(text_null("existing_help"))
                .col(text_null("custody_situation"))
                .col(text_null("child_experience"))
                .take(),
        )
        .await?;
        m.create_index(index("intake", &["trajectory_id"], true)).await?;
        m.create_table(
            part_of("intake_participant", "intake_id", "intake")
                .col(string("name"))
                .col(string_null("organisation_name"))
                .col(string("role"))
                .col(uuid_null("worker_id"))
                .foreign_key(&mut fk("intake_participant", "worker_id", "worker"))
                .take(),
        )
        .await?;
        m.create_index(index("intake_participant", &["intake_id"], false)).await?;

        m.create_table(
            child_record("contact")
                .col(string_len("kind", 40))
                .col(date_null("planned_on"))
                .col(date_null("held_on"))
                .col(json("participants"))
                .col(json("core_tasks"))
                .col(text_null("summary"))
                .col(text_null("agreements"))
                .take(),
        )
        .await?;
        m.create_index(index("contact", &["child_id", "kind", "held_on"], false)).await?;

        m.create_table(
            child_record("safety_assessment")
                .col(date("assessed_on"))
                .col(text("worries"))
                .col(text_null("complicating_factors"))
                .col(text_null("what_works_well"))
                .col(text("safety_goals"))
                .col(string_len("judgement", 40))
                .col(json("tools_used"))
                .take(),
        )
        .await?;
        m.create_index(index("safety_assessment", &["child_id", "assessed_on"], false)).await?;
        m.create_table(
            part_of("safety_scale_score", "assessment_id", "safety_assessment")
                .col(string_len("respondent", 40))
                .col(uuid_null("respondent_person_id"))
                .col(string_null("respondent_name"))
                .col(integer("score"))
                .foreign_key(&mut fk("safety_scale_score", "respondent_person_id", "person"))
                .take(),
        )
        .await?;
        m.create_index(index("safety_scale_score", &["assessment_id"], false)).await?;

        m.create_table(
            child_record("safety_plan")
                .col(integer("version"))
                .col(text("child_language_text"))
                .col(json("agreements"))
                .col(json("agreed_by"))
                .col(date("review_on"))
                .take(),
        )
        .await?;
        m.create_index(index("safety_plan", &["child_id", "version"], true)).await?;

        m.create_table(
            child_record("reporting_code_track")
                .col(uuid("safety_assessment_id"))
                .col(date("opened_on"))
                .col(date_null("closed_on"))
                .foreign_key(&mut fk("reporting_code_track", "safety_assessment_id", "safety_assessment"))
                .take(),
        )
        .await?;
        m.create_index(index("reporting_code_track", &["child_id"], false)).await?;
        m.create_table(
            part_of("reporting_code_step", "track_id", "reporting_code_track")
                .col(integer("step"))
                .col(date("recorded_on"))
                .col(uuid_null("worker_id"))
                .col(text("outcome"))
                .col(boolean_null("consulted_veilig_thuis"))
                .col(string_len_null("decision", 40))
                .foreign_key(&mut fk("reporting_code_step", "worker_id", "worker"))
                .take(),
        )
        .await?;
        m.create_index(index("reporting_code_step", &["track_id", "step"], true)).await?;

        m.create_table(
            child_record("screening")
                .col(string_len("instrument", 40))
                .col(string_len("instrument_version", 40))
                .col(string_len("informant", 40))
                .col(date("administered_on"))
                .col(json("answers"))
                .col(json("result"))
                .take(),
        )
        .await?;
        m.create_index(index("screening", &["child_id"], false)).await?;

        m.create_table(child_record("action_plan").col(date("drawn_up_on")).col(text("child_language_summary")).take())
            .await?;
        m.create_index(index("action_plan", &["trajectory_id"], true)).await?;
        m.create_table(
            part_of("goal", "plan_id", "action_plan")
                .col(text("text"))
                .col(json("sub_goals"))
                .col(string_len("core_task", 40))
                .take(),
        )
        .await?;
        m.create_index(index("goal", &["plan_id"], false)).await?;
        m.create_table(
            part_of("goal_action", "goal_id", "goal")
                .col(text("description"))
                .col(string("owner"))
                .col(date("due_on"))
                .col(date_null("done_on"))
                .take(),
        )
        .await?;
        m.create_index(index("goal_action", &["goal_id"], false)).await?;
        m.create_table(
            part_of("evaluation", "plan_id", "action_plan")
                .col(date("held_on"))
                .col(boolean("parent_took_part"))
                .col(boolean("child_took_part"))
                .col(text_null("notes"))
                .col(uuid_null("recorded_by_worker_id"))
                .foreign_key(&mut fk("evaluation", "recorded_by_worker_id", "worker"))
                .take(),
        )
        .await?;
        m.create_index(index("evaluation", &["plan_id", "held_on"], false)).await?;
        m.create_table(
            part_of("goal_progress", "evaluation_id", "evaluation")
                .col(uuid("goal_id"))
                .col(integer_null("score"))
                .col(string_len("status", 40))
                .foreign_key(&mut fk("goal_progress", "goal_id", "goal"))
                .take(),
        )
        .await?;
        m.create_index(index("goal_progress", &["evaluation_id"], false)).await?;

        m.create_table(
            Table::create()
                .table("network_member")
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("child_id"))
                .col(uuid_null("person_id"))
                .col(string("name"))
                .col(string_len("relation", 40))
                .col(text_null("role_for_child"))
                .col(boolean("contact_safe"))
                .col(text_null("restrictions"))
                .col(text_null("contact_details"))
                .col(text_null("what_they_can_do"))
                .col(boolean("agreed_to_be_named"))
                .col(uuid_null("recorded_by_worker_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("network_member", "organisation_id", "organisation"))
                .foreign_key(&mut fk("network_member", "child_id", "person"))
                .foreign_key(&mut fk("network_member", "person_id", "person"))
                .foreign_key(&mut fk("network_member", "recorded_by_worker_id", "worker"))
                .take(),
        )
        .await?;
        m.create_index(index("network_member", &["child_id"], false)).await?;

        // What the method records on the trajectory itself when it moves between phases.
        for mut def in [
            date_null("expected_departure_on"),
            string_len_null("aftercare_decision", 40),
            text_null("aftercare_note"),
            text_null("phase1_exit_reason"),
        ] {
            m.alter_table(Table::alter().table("trajectory").add_column(&mut def).take()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["expected_departure_on", "aftercare_decision", "aftercare_note", "phase1_exit_reason"] {
            m.alter_table(Table::alter().table("trajectory").drop_column(column).take()).await?;
        }
        for table in [
            "network_member",
            "goal_progress",
            "evaluation",
            "goal_action",
            "goal",
            "action_plan",
            "screening",
            "reporting_code_step",
            "reporting_code_track",
            "safety_plan",
            "safety_scale_score",
            "safety_assessment",
            "contact",
            "intake_participant",
            "intake",
            "first_contact",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
