use super::*;
use crate::domain::cadence::{self, CadenceFacts};
use entities::{CoreTask::*, Phase::*};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A nine-year-old admitted on 1 November, `days` later, nothing recorded.
fn child(days: u64) -> Facts {
    let admission_date = d("2026-11-01");
    Facts {
        today: admission_date + Days::new(days),
        age: 9,
        admission_date,
        came_with_one_parent: true,
        ..Facts::default()
    }
}

/// `f` with its cadence computed as the server does.
fn with_cadence(mut f: Facts, last: &CadenceFacts) -> Facts {
    let c = CadenceFacts {
        phase: Some(f.phase),
        admission_date: f.admission_date,
        date_of_birth: d("2017-06-01"),
        ..last.clone()
    };
    f.cadence = cadence::due_items(&c, f.today);
    f
}

fn state(f: &Facts, key: &str) -> (State, Option<String>) {
    let item = board(f).into_iter().find(|i| i.item.key == key).unwrap_or_else(|| panic!("no {key}"));
    (item.state, item.reason)
}

fn talk(kind: ContactKind, on: &str, topics: &[ContactTopic]) -> HeldContact {
    HeldContact { kind, held_on: d(on), topics: topics.to_vec(), core_tasks: vec![] }
}

#[test]
fn the_catalogue_is_bijlage_1_56_activities_and_46_results() {
    let count = |kind: ItemKind, phase: Phase| CATALOGUE.iter().filter(|i| i.kind == kind && i.phase == phase).count();
    assert_eq!([Phase1, Phase2, Phase3].map(|p| count(ItemKind::Activity, p)), [18, 19, 19]);
    assert_eq!([Phase1, Phase2, Phase3].map(|p| count(ItemKind::Result, p)), [19, 16, 11]);
    let per_task =
        |task: CoreTask| CATALOGUE.iter().filter(|i| i.kind == ItemKind::Activity && i.core_task == task).count();
    assert_eq!(
        [ChildInView, ParentsAndParenting, LivingClimate, Network, ChainCooperation].map(per_task),
        [17, 14, 9, 8, 8]
    );
    let mut keys: Vec<_> = CATALOGUE.iter().map(|i| i.key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 102);
    // In the order of the bijlage, which is the order of its lines.
    assert!(CATALOGUE.windows(2).all(|w| w[0].source_line < w[1].source_line));
    assert!(CATALOGUE.iter().all(|i| (2119..=2691).contains(&i.source_line)));
}

#[test]
fn a_new_child_has_phase_1_due_and_the_rest_later() {
    let f = child(3);
    assert_eq!(state(&f, "ACQUAINTANCE"), (State::Due, Some("due by 2026-11-08".into())), "within a week (norm 1)");
    assert_eq!(
        state(&f, "GATHER_INFORMATION"),
        (State::Due, Some("due by 2026-12-13".into())),
        "by the end of phase 1"
    );
    assert_eq!(state(&f, "CHILD_TALKS").0, State::Later);
    assert_eq!(state(&f, "PREPARE_THE_CHILD"), (State::Later, Some("from phase 3".into())));
    assert_eq!(state(&f, "PLEASANT_ENDING").0, State::Later);
    assert!(board(&f).iter().all(|i| i.state != State::Done));
}

#[test]
fn phase_1_activities_are_overdue_after_their_deadline() {
    assert_eq!(state(&child(8), "ACQUAINTANCE"), (State::Overdue, Some("was due by 2026-11-08".into())));
    assert_eq!(state(&child(8), "GATHER_INFORMATION").0, State::Due);
    assert_eq!(state(&child(43), "GATHER_INFORMATION").0, State::Overdue);
    let f = Facts { first_contact: true, ..child(43) };
    assert_eq!(state(&f, "ACQUAINTANCE"), (State::Done, None));
}

#[test]
fn what_the_age_rules_out() {
    let toddler = Facts { age: 2, ..child(3) };
    assert_eq!(state(&toddler, "SCREENING"), (State::NotApplicable, Some("the SDQ is for ages 4 to 17".into())));
    // Under 4 the child is seen with the parent; an observation counts as the talk.
    let seen = Facts { contacts: vec![talk(ContactKind::Observation, "2026-11-02", &[])], ..toddler };
    assert_eq!(state(&seen, "CHILD_TALKS_PHASE_1"), (State::Done, None));
    let older = Facts { contacts: vec![talk(ContactKind::Observation, "2026-11-02", &[])], ..child(3) };
    assert_eq!(state(&older, "CHILD_TALKS_PHASE_1").0, State::Due);
    // From 11 the self-report belongs to the screening.
    let eleven = Facts { age: 11, sdq_parent: true, ..child(3) };
    assert_eq!(state(&eleven, "SCREENING").0, State::Due);
    assert_eq!(state(&Facts { sdq_self: true, ..eleven }, "SCREENING").0, State::Done);
}

#[test]
fn each_rhythm_has_its_own_state() {
    // Phase 2 since 10 November; a kindgesprek on the 20th, no oudergesprek for two weeks.
    let f = Facts {
        phase: Phase2,
        phase2_on: Some(d("2026-11-10")),
        contacts: vec![
            talk(ContactKind::ChildTalk, "2026-11-20", &[]),
            talk(ContactKind::ParentTalk, "2026-11-13", &[]),
        ],
        ..child(27)
    };
    let f = with_cadence(
        f,
        &CadenceFacts {
            last_child_talk: Some(d("2026-11-20")),
            last_parent_talk: Some(d("2026-11-13")),
            ..Default::default()
        },
    );
    assert_eq!(state(&f, "CHILD_TALKS"), (State::Done, Some("next due on 2026-12-04".into())));
    assert_eq!(state(&f, "PARENT_TALKS"), (State::Overdue, Some("was due on 2026-11-20".into())));
    assert_eq!(state(&f, "EVALUATE_PROGRESS"), (State::Due, None), "no plan, nothing scheduled");
    // The phase-1 oudergesprekken were none: overdue in a phase that is over.
    assert_eq!(state(&f, "PARENT_TALKS_PHASE_1"), (State::Overdue, Some("not done in phase 1".into())));
    // The oudergesprek of the 13th was in phase 2, so it is no phase-1 talk about the child.
    assert_eq!(state(&f, "PARENT_TALK_ABOUT_CHILD").0, State::Overdue);
    assert_eq!(state(&f, "CHILD_IN_PARENT_TALKS").0, State::Done);
}

#[test]
fn a_safety_plan_only_where_needed_and_its_review_watched() {
    let good = Assessment { on: d("2026-11-03"), judgement: SafetyJudgement::Good, worker_score: Some(8) };
    let f = Facts { assessments: vec![good.clone()], ..child(5) };
    assert_eq!(
        state(&f, "SAFETY_MEASURES"),
        (State::NotApplicable, Some("no safety plan needed: assessment GOOD".into()))
    );
    let worrying = Assessment { judgement: SafetyJudgement::NotGoodEnough, worker_score: Some(3), ..good };
    assert_eq!(state(&Facts { assessments: vec![worrying.clone()], ..child(5) }, "SAFETY_MEASURES").0, State::Due);
    // In phase 2 a review date that passed makes "alert zijn op zorgsignalen" overdue.
    let f = Facts {
        phase: Phase2,
        phase2_on: Some(d("2026-11-10")),
        assessments: vec![worrying],
        safety_plan: true,
        ..child(30)
    };
    let late =
        with_cadence(f.clone(), &CadenceFacts { safety_plan_review_on: Some(d("2026-11-25")), ..Default::default() });
    assert_eq!(state(&late, "SIGNS_OF_CONCERN"), (State::Overdue, Some("was due on 2026-11-25".into())));
    let reassessed = Assessment { on: d("2026-11-28"), judgement: SafetyJudgement::GoodEnough, worker_score: Some(6) };
    let mut again = f.clone();
    again.assessments.push(reassessed);
    let again =
        with_cadence(again, &CadenceFacts { safety_plan_review_on: Some(d("2026-12-28")), ..Default::default() });
    assert_eq!(state(&again, "SIGNS_OF_CONCERN"), (State::Done, Some("next due on 2026-12-28".into())));
    assert_eq!(state(&again, "SAFETY_IMPROVED").0, State::Done, "the worker's score rose from 3 to 6");
}

#[test]
fn the_non_accompanying_parent_is_looked_into_when_the_child_came_with_one() {
    assert_eq!(
        state(&Facts { came_with_one_parent: false, ..child(3) }, "NON_ACCOMPANYING_PARENT"),
        (State::NotApplicable, Some("came with both parents".into()))
    );
    assert_eq!(state(&child(3), "NON_ACCOMPANYING_PARENT").0, State::Due);
    let f = Facts { non_accompanying_parent: Some(NonAccompanyingParentOutcome::NoContactUnsafe), ..child(3) };
    assert_eq!(state(&f, "NON_ACCOMPANYING_PARENT").0, State::Done);
    assert_eq!(state(&f, "NON_ACCOMPANYING_PARENT_IN_VIEW").0, State::Done);
}

#[test]
fn consent_to_the_child_s_support_is_part_of_the_working_relationship() {
    let talked = Facts { contacts: vec![talk(ContactKind::ParentTalk, "2026-11-02", &[])], ..child(3) };
    assert_eq!(state(&talked, "WORKING_RELATIONSHIP").0, State::Due);
    assert_eq!(state(&Facts { support_agreed: true, ..talked }, "WORKING_RELATIONSHIP").0, State::Done);
}

#[test]
fn topics_living_climate_and_activities_mark_their_activities() {
    let f = Facts {
        contacts: vec![talk(
            ContactKind::ParentTalk,
            "2026-11-05",
            &[ContactTopic::ParentingSupport, ContactTopic::PsychoEducation],
        )],
        living_climate: vec![(Phase1, vec![LivingClimateItem::BasicCareArranged, LivingClimateItem::HousingSafe])],
        activities: vec![Activity {
            on: d("2026-11-06"),
            kind: ActivityKind::Creative,
            child_took_part: false,
            continues_after_departure: false,
        }],
        ..child(10)
    };
    assert_eq!(state(&f, "PARENTING_SUPPORT").0, State::Done);
    assert_eq!(
        state(&f, "HELP_PARENTS_HELP_THE_CHILD_COPE").0,
        State::Done,
        "psycho-education helps the parents help the child"
    );
    assert_eq!(state(&f, "SUPPORT_THE_PARENTS").0, State::Later);
    assert_eq!(state(&f, "ARRANGE_DAILY_BASICS").0, State::Done);
    assert_eq!(state(&f, "HOUSING_SAFE").0, State::Done);
    assert_eq!(state(&f, "CHILD_FEELS_WELCOME").0, State::Due);
    assert_eq!(state(&f, "PROVIDE_ACTIVITIES").0, State::Done);
    assert_eq!(state(&f, "ENCOURAGE_TAKING_PART").0, State::Later, "offered, not taken part in");
}

#[test]
fn outside_help_applies_where_a_need_was_found() {
    assert_eq!(state(&child(3), "START_REFERRAL").0, State::NotApplicable);
    let raised = Facts { screening_raised: true, ..child(3) };
    assert_eq!(state(&raised, "START_REFERRAL").0, State::Due);
    assert_eq!(state(&Facts { screening_referred: true, ..raised.clone() }, "START_REFERRAL").0, State::Done);
    assert_eq!(
        state(&raised, "SERVICES_COORDINATED"),
        (State::NotApplicable, Some("no professionals involved".into()))
    );
    assert_eq!(state(&raised, "COORDINATE_WITH_PROFESSIONALS").0, State::Later, "judged when phase 2 comes");
}

#[test]
fn results_nobody_can_read_from_records_are_confirmed_by_a_worker() {
    let f = child(3);
    assert_eq!(state(&f, "WORKING_RELATIONSHIP_BEGUN").0, State::Due);
    let confirmed = Facts { confirmed: ["WORKING_RELATIONSHIP_BEGUN".to_string()].into(), ..f };
    assert_eq!(state(&confirmed, "WORKING_RELATIONSHIP_BEGUN").0, State::Done);
    assert!(board(&confirmed).iter().filter(|i| i.item.kind == ItemKind::Result).any(|i| i.state == State::Due));
}

#[test]
fn phase_3_departure_and_aftercare_can_be_done_before_closing() {
    let in_phase_3 = Facts {
        phase: Phase3,
        phase2_on: Some(d("2026-11-20")),
        phase3_on: Some(d("2027-01-10")),
        expected_departure_on: Some(d("2027-02-01")),
        ..child(80)
    };
    assert_eq!(state(&in_phase_3, "PREPARE_THE_CHILD"), (State::Due, Some("due by 2027-02-01".into())));
    let prepared = Facts {
        contacts: vec![talk(ContactKind::ChildTalk, "2027-01-15", &[ContactTopic::PreparingDeparture])],
        ..in_phase_3.clone()
    };
    assert_eq!(state(&prepared, "PREPARE_THE_CHILD").0, State::Done);
    assert_eq!(state(&prepared, "CHILD_PREPARED").0, State::Done);
    // A warm handover counts once the receiver accepted it.
    let decided = Facts { aftercare: Some(AftercareDecision::WarmHandover), ..in_phase_3.clone() };
    assert_eq!(state(&decided, "ARRANGE_HANDOVER").0, State::Done);
    assert_eq!(state(&decided, "ARRANGE_FOLLOW_UP_HELP").0, State::Due);
    assert_eq!(state(&Facts { handover_accepted: true, ..decided }, "ARRANGE_FOLLOW_UP_HELP").0, State::Done);
    let none = Facts { aftercare: Some(AftercareDecision::NoFollowUpNeeded), ..in_phase_3.clone() };
    assert_eq!(state(&none, "ARRANGE_FOLLOW_UP_HELP"), (State::NotApplicable, Some("no follow-up needed".into())));
    // After the expected departure, phase-3 work still open is overdue.
    assert_eq!(state(&Facts { today: d("2027-02-02"), ..in_phase_3 }, "PREPARE_THE_CHILD").0, State::Overdue);
}

#[test]
fn a_trajectory_closed_early_skips_what_it_never_reached() {
    let f = Facts { phase: Closed, closed_on: Some(d("2026-11-20")), first_contact: true, ..child(30) };
    assert_eq!(state(&f, "ACQUAINTANCE").0, State::Done);
    assert_eq!(state(&f, "GATHER_INFORMATION"), (State::Overdue, Some("not done in phase 1".into())));
    assert_eq!(state(&f, "CHILD_TALKS"), (State::NotApplicable, Some("the trajectory closed before phase 2".into())));
    assert_eq!(
        state(&f, "PREPARE_THE_CHILD"),
        (State::NotApplicable, Some("the trajectory closed before phase 3".into()))
    );
    assert_eq!(state(&f, "CLOSE_THE_SUPPORT"), (State::Done, None), "closed is closed");
}

/// A record, as the board's facts see it, that shows one item done.
type Setter = fn(&mut Facts);

fn contact(f: &mut Facts, kind: ContactKind, on: &str, topics: &[ContactTopic], tasks: &[CoreTask]) {
    f.contacts.push(HeldContact { kind, held_on: d(on), topics: topics.to_vec(), core_tasks: tasks.to_vec() });
}

fn climate(f: &mut Facts, phase: Phase, item: LivingClimateItem) {
    f.living_climate.push((phase, vec![item]));
}

fn activity(f: &mut Facts, kind: ActivityKind, took_part: bool, continues: bool) {
    f.activities.push(Activity {
        on: d("2026-11-05"),
        kind,
        child_took_part: took_part,
        continues_after_departure: continues,
    });
}

/// For every one-off activity: the record that marks it done (phase 1 from 1 November, phase 2
/// from 20 November, phase 3 from 10 December). The rhythms are in `each_rhythm_has_its_own_state`.
const DONE_BY: &[(&str, Setter)] = &[
    ("ACQUAINTANCE", |f| f.first_contact = true),
    ("PARENT_TALK_ABOUT_CHILD", |f| contact(f, ContactKind::ParentTalk, "2026-11-03", &[], &[])),
    ("GATHER_INFORMATION", |f| f.intake = true),
    ("ASSESS_SAFETY", |f| {
        f.assessments.push(Assessment {
            on: d("2026-11-03"),
            judgement: SafetyJudgement::GoodEnough,
            worker_score: None,
        })
    }),
    ("CHILD_TALKS_PHASE_1", |f| contact(f, ContactKind::ChildTalk, "2026-11-04", &[], &[])),
    ("SCREENING", |f| f.sdq_parent = true),
    ("ACTION_PLAN", |f| f.action_plan = true),
    ("WORKING_RELATIONSHIP", |f| {
        f.support_agreed = true;
        contact(f, ContactKind::ParentTalk, "2026-11-03", &[], &[]);
    }),
    ("NON_ACCOMPANYING_PARENT", |f| f.non_accompanying_parent = Some(NonAccompanyingParentOutcome::KeptInformed)),
    ("ARRANGE_DAILY_BASICS", |f| climate(f, Phase1, LivingClimateItem::BasicCareArranged)),
    ("SHOW_CHILD_AROUND", |f| climate(f, Phase1, LivingClimateItem::ChildShownAround)),
    ("CALM_AND_STABILITY", |f| contact(f, ContactKind::ParentTalk, "2026-11-06", &[], &[LivingClimate])),
    ("EXPLAIN_THE_NETWORK", |f| {
        contact(f, ContactKind::ParentTalk, "2026-11-06", &[ContactTopic::ImportanceOfTheNetwork], &[])
    }),
    ("MAP_THE_NETWORK", |f| f.network_members = 1),
    ("CONNECT_WITH_THE_NETWORK", |f| contact(f, ContactKind::NetworkContact, "2026-11-07", &[], &[])),
    ("MAP_SERVICES", |f| f.existing_help_known = true),
    ("START_REFERRAL", |f| f.screening_referred = true),
    ("CHILD_IN_PARENT_TALKS", |f| contact(f, ContactKind::ParentTalk, "2026-11-25", &[], &[])),
    ("SUPPORT_THE_PARENTS", |f| contact(f, ContactKind::ParentTalk, "2026-11-25", &[ContactTopic::ParentSupport], &[])),
    ("HELP_PARENTS_HELP_THE_CHILD_COPE", |f| f.psycho_education.push((PsychoEducationAudience::Parent, true))),
    ("PARENTING_SUPPORT", |f| {
        contact(f, ContactKind::ParentTalk, "2026-11-25", &[ContactTopic::ParentingSupport], &[])
    }),
    ("SIGNS_OF_CONCERN_WITH_PARENTS", |f| {
        contact(f, ContactKind::ParentTalk, "2026-11-25", &[ContactTopic::SignsOfConcern], &[])
    }),
    ("EVALUATE_WITH_PARENTS", |f| f.evaluations.push((d("2026-11-26"), true))),
    ("MONITOR_LIVING_CLIMATE", |f| f.living_climate.push((Phase2, vec![]))),
    ("PROVIDE_ACTIVITIES", |f| activity(f, ActivityKind::Play, false, false)),
    ("ENCOURAGE_TAKING_PART", |f| activity(f, ActivityKind::Play, true, false)),
    ("STRENGTHEN_THE_FAMILY_S_NETWORK", |f| {
        contact(f, ContactKind::ParentTalk, "2026-11-25", &[ContactTopic::StrengtheningTheNetwork], &[])
    }),
    ("STRENGTHEN_SOCIAL_TIES", |f| activity(f, ActivityKind::Club, true, false)),
    ("SUPPORT_CONTACT_WITH_FRIENDS", |f| {
        contact(f, ContactKind::ChildTalk, "2026-11-25", &[ContactTopic::Friends], &[])
    }),
    ("REFER_TO_OUTSIDE_CARE", |f| {
        f.screening_raised = true;
        f.involvements.push((d("2026-11-22"), None));
    }),
    ("FOLLOW_OUTSIDE_HELP", |f| {
        f.involvements.push((d("2026-10-01"), None));
        contact(f, ContactKind::ParentTalk, "2026-11-25", &[], &[ChainCooperation]);
    }),
    ("COORDINATE_WITH_PROFESSIONALS", |f| {
        f.involvements.push((d("2026-10-01"), None));
        contact(f, ContactKind::ProfessionalConsultation, "2026-11-25", &[], &[]);
    }),
    ("REVIEW_WITH_THE_CHILD", |f| contact(f, ContactKind::ChildTalk, "2026-12-11", &[ContactTopic::WhatGoesWell], &[])),
    ("PREPARE_THE_CHILD", |f| {
        contact(f, ContactKind::ChildTalk, "2026-12-11", &[ContactTopic::PreparingDeparture], &[])
    }),
    ("CLOSE_THE_SUPPORT", |f| {
        f.phase = Closed;
        f.closed_on = Some(d("2026-12-14"));
    }),
    ("ARRANGE_FAREWELL", |f| contact(f, ContactKind::ChildTalk, "2026-12-11", &[ContactTopic::Farewell], &[])),
    ("AGREE_ON_SAFETY_MONITORING", |f| f.safety_monitoring = true),
    ("ARRANGE_HANDOVER", |f| f.aftercare = Some(AftercareDecision::AftercareByShelter)),
    ("REVIEW_WITH_THE_PARENTS", |f| {
        contact(f, ContactKind::ParentTalk, "2026-12-11", &[ContactTopic::WhatGoesWell], &[])
    }),
    ("PREPARE_THE_PARENTS", |f| {
        contact(f, ContactKind::ParentTalk, "2026-12-11", &[ContactTopic::PreparingDeparture], &[])
    }),
    ("DISCUSS_RELAPSE_RISK", |f| contact(f, ContactKind::ParentTalk, "2026-12-11", &[ContactTopic::RelapseRisk], &[])),
    ("SUPPORT_IN_THE_NEW_SITUATION", |f| {
        contact(f, ContactKind::ParentTalk, "2026-12-11", &[ContactTopic::SupportAfterDeparture], &[])
    }),
    ("FOCUS_ON_DEPARTURE", |f| climate(f, Phase3, LivingClimateItem::FocusOnDeparture)),
    ("CHILD_SAYS_GOODBYE", |f| activity(f, ActivityKind::Farewell, true, false)),
    ("CONTINUITY_INTO_THE_NEW_SITUATION", |f| activity(f, ActivityKind::Sport, true, true)),
    ("WHO_CAN_DO_WHAT", |f| f.network_support_known = true),
    ("AGREEMENTS_FOR_AFTER_SUPPORT", |f| {
        contact(f, ContactKind::NetworkContact, "2026-12-11", &[ContactTopic::NetworkAgreements], &[])
    }),
    ("OWN_STRENGTH_AND_HELP_NEEDED", |f| {
        contact(f, ContactKind::ParentTalk, "2026-12-11", &[ContactTopic::OwnStrengthAndHelpNeeded], &[])
    }),
    ("AGREE_WITH_PROFESSIONALS", |f| {
        f.involvements.push((d("2026-10-01"), None));
        contact(f, ContactKind::ProfessionalConsultation, "2026-12-11", &[], &[]);
    }),
    ("ARRANGE_FOLLOW_UP_HELP", |f| {
        f.aftercare = Some(AftercareDecision::WarmHandover);
        f.handover_accepted = true;
    }),
];

/// A child in phase 3 since 10 December, with its rhythms on time.
fn in_phase_3() -> Facts {
    Facts {
        today: d("2026-12-12"),
        phase: Phase3,
        phase2_on: Some(d("2026-11-20")),
        phase3_on: Some(d("2026-12-10")),
        expected_departure_on: Some(d("2027-01-10")),
        ..child(41)
    }
}

#[test]
fn every_one_off_activity_is_done_by_its_own_record() {
    let rhythms: Vec<&str> =
        CATALOGUE.iter().filter(|i| matches!(i.rule, Rule::Rhythm { .. })).map(|i| i.key).collect();
    let activities: Vec<&str> =
        CATALOGUE.iter().filter(|i| i.kind == ItemKind::Activity && !rhythms.contains(&i.key)).map(|i| i.key).collect();
    assert_eq!(
        DONE_BY.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        activities,
        "one record per one-off activity, in catalogue order"
    );
    assert_eq!(
        rhythms,
        [
            "PARENT_TALKS_PHASE_1",
            "CHILD_TALKS",
            "SIGNS_OF_CONCERN",
            "EVALUATE_PROGRESS",
            "PARENT_TALKS",
            "PARENT_TALKS_PHASE_3"
        ]
    );
    let blank = in_phase_3();
    let open: Vec<&str> = board(&blank)
        .into_iter()
        .filter(|i| i.item.kind == ItemKind::Activity && i.done())
        .map(|i| i.item.key)
        .collect();
    assert_eq!(open, Vec::<&str>::new(), "nothing recorded, nothing done");
    for (key, record) in DONE_BY {
        let mut f = in_phase_3();
        record(&mut f);
        let done: Vec<&str> = board(&f)
            .into_iter()
            .filter(|i| i.item.kind == ItemKind::Activity && i.done())
            .map(|i| i.item.key)
            .collect();
        assert!(done.contains(key), "{key} not done by its record");
    }
}

#[test]
fn items_of_a_phase_not_reached_are_later_and_of_a_phase_left_overdue() {
    let f = child(10);
    for i in board(&f) {
        match i.item.phase {
            Phase2 | Phase3 => assert_eq!(i.state, State::Later, "{}", i.item.key),
            _ => assert_ne!(i.state, State::Later, "{}", i.item.key),
        }
    }
    let f = in_phase_3();
    for i in board(&f).into_iter().filter(|i| i.item.phase != Phase3 && i.state != State::NotApplicable) {
        let expected = format!("not done in {}", phase_name(i.item.phase));
        assert_eq!((i.state, i.reason.as_deref().unwrap_or("")), (State::Overdue, expected.as_str()), "{}", i.item.key);
    }
}
