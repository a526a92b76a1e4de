//! Bijlage 1 of the interventiebeschrijving (IB 2114-2691) as data: the 56 activities and 46
//! results, each in its core task and phase, with how the records show it done. The source
//! line is the item's first line in the IB. Which activities are core (kern) is this project's
//! reading of IB 2074-2082 and PP9 99-115: the talks, the picture of the child and its safety,
//! the plan, the non-accompanying parent, the network and the professionals mapped, and the
//! handover; the rest the method offers where it fits.

use super::{Facts, Importance, Item, ItemKind, Rule};
use crate::domain::cadence::DueKind;
use entities::{
    ActivityKind::Farewell,
    AftercareDecision,
    ContactKind::{self, *},
    ContactTopic as T,
    CoreTask::{self, *},
    LivingClimateItem as L,
    Phase::{self, *},
    PsychoEducationAudience,
};

type Applies = fn(&Facts) -> Result<(), &'static str>;

fn always(_: &Facts) -> Result<(), &'static str> {
    Ok(())
}
fn screening_age(f: &Facts) -> Result<(), &'static str> {
    if (4..18).contains(&f.age) { Ok(()) } else { Err("the SDQ is for ages 4 to 17") }
}
fn one_parent(f: &Facts) -> Result<(), &'static str> {
    if f.came_with_one_parent { Ok(()) } else { Err("came with both parents") }
}
fn outside_help_needed(f: &Facts) -> Result<(), &'static str> {
    if f.needs_outside_help() { Ok(()) } else { Err("no need found: no raised screening result or referral") }
}
fn professionals_involved(f: &Facts) -> Result<(), &'static str> {
    if f.involvements.is_empty() { Err("no professionals involved") } else { Ok(()) }
}
fn safety_plan_needed(f: &Facts) -> Result<(), &'static str> {
    if f.judged_safe() { Err("no safety plan needed: assessment GOOD") } else { Ok(()) }
}
fn follow_up_possible(f: &Facts) -> Result<(), &'static str> {
    if f.aftercare == Some(AftercareDecision::NoFollowUpNeeded) { Err("no follow-up needed") } else { Ok(()) }
}

/// Kindgesprekken from 4; under 4 the child is seen with the parent (IB 463-466).
fn child_rhythm(f: &Facts) -> DueKind {
    if f.age >= 4 { DueKind::ChildTalk } else { DueKind::SeenWithParent }
}
fn child_seen(f: &Facts, phase: Phase) -> bool {
    let kinds: &[ContactKind] = if f.age >= 4 { &[ChildTalk] } else { &[Observation, ParentChildTalk] };
    f.held(kinds, Some(phase), None)
}
fn parent_talk(f: &Facts, phase: Phase) -> bool {
    f.held(&[ParentTalk], Some(phase), None)
}
fn evaluated(f: &Facts, _: Phase) -> bool {
    !f.evaluations.is_empty()
}
/// A talk with the child about `topic` in phase 3 (with a child under 4: any contact).
fn child_talk_about(f: &Facts, topic: T) -> bool {
    let kinds: &[ContactKind] = if f.age >= 4 { &[ChildTalk] } else { &[] };
    f.held(kinds, Some(Phase3), Some(topic))
}
fn parent_talk_about(f: &Facts, topic: T, phase: Phase) -> bool {
    f.held(&[ParentTalk], Some(phase), Some(topic))
}
fn about(f: &Facts, topic: T) -> bool {
    f.held(&[], None, Some(topic))
}
fn consulted_professionals(f: &Facts, phase: Phase) -> bool {
    f.held(&[ThreeWayTalk, ProfessionalConsultation], Some(phase), None)
}
fn involvement_since_admission(f: &Facts) -> bool {
    f.involvements.iter().any(|(since, _)| *since >= f.admission_date)
}
fn follow_up_arranged(f: &Facts) -> bool {
    match f.aftercare {
        Some(AftercareDecision::WarmHandover) => f.handover_accepted,
        Some(_) => true,
        None => false,
    }
}

const fn once(applies: Applies, done: fn(&Facts) -> bool) -> Rule {
    Rule::Once { applies, done }
}
const fn rhythm(applies: Applies, due: fn(&Facts) -> DueKind, held: fn(&Facts, Phase) -> bool) -> Rule {
    Rule::Rhythm { applies, due, held }
}

const fn activity(
    key: &'static str,
    phase: Phase,
    core_task: CoreTask,
    core: bool,
    line: u32,
    description: &'static str,
    rule: Rule,
) -> Item {
    let importance = if core { Importance::Core } else { Importance::Optional };
    Item {
        key,
        core_task,
        phase,
        kind: ItemKind::Activity,
        importance,
        description,
        source_line: line,
        within_days: None,
        rule,
    }
}
const fn result(
    key: &'static str,
    phase: Phase,
    core_task: CoreTask,
    line: u32,
    description: &'static str,
    rule: Rule,
) -> Item {
    Item {
        key,
        core_task,
        phase,
        kind: ItemKind::Result,
        importance: Importance::Core,
        description,
        source_line: line,
        within_days: None,
        rule,
    }
}
const CONFIRMED: Rule = Rule::Confirmed;
const CORE: bool = true;
const OPT: bool = false;

pub static CATALOGUE: &[Item] = &[
    // ── Fase 1 · Kind in beeld ──
    // The first contact within a week (norm 1, NK 130).
    Item {
        within_days: Some(7),
        ..activity("ACQUAINTANCE", Phase1, ChildInView, CORE, 2119, "Kennismaking", once(always, |f| f.first_contact))
    },
    activity(
        "PARENT_TALK_ABOUT_CHILD",
        Phase1,
        ChildInView,
        CORE,
        2121,
        "Oudergesprek over kind",
        once(always, |f| parent_talk(f, Phase1)),
    ),
    activity(
        "GATHER_INFORMATION",
        Phase1,
        ChildInView,
        CORE,
        2124,
        "Informatie verzamelen",
        once(always, |f| f.intake),
    ),
    activity(
        "ASSESS_SAFETY",
        Phase1,
        ChildInView,
        CORE,
        2127,
        "Veiligheid bespreken en taxeren",
        once(always, |f| !f.assessments.is_empty()),
    ),
    activity(
        "CHILD_TALKS_PHASE_1",
        Phase1,
        ChildInView,
        CORE,
        2131,
        "Kind-gesprekken",
        once(always, |f| child_seen(f, Phase1)),
    ),
    // The SDQ parent form, and from 11 the self-report (IB 436-439).
    activity(
        "SCREENING",
        Phase1,
        ChildInView,
        CORE,
        2134,
        "Screenen",
        once(screening_age, |f| f.sdq_parent && (f.age < 11 || f.sdq_self)),
    ),
    activity("ACTION_PLAN", Phase1, ChildInView, CORE, 2136, "Actieplan", once(always, |f| f.action_plan)),
    result(
        "FIRST_PICTURE_OF_CHILD",
        Phase1,
        ChildInView,
        2140,
        "Eerste beeld van kind",
        once(always, |f| f.first_contact && f.intake),
    ),
    result(
        "SAFETY_IN_VIEW",
        Phase1,
        ChildInView,
        2143,
        "Zicht op veiligheid",
        once(always, |f| !f.assessments.is_empty()),
    ),
    result(
        "SAFETY_MEASURES",
        Phase1,
        ChildInView,
        2146,
        "Maatregelen en veiligheidsplan indien nodig",
        once(safety_plan_needed, |f| f.safety_plan),
    ),
    result(
        "SCREENING_OUTCOMES",
        Phase1,
        ChildInView,
        2151,
        "Uitkomsten screening",
        once(screening_age, |f| f.screening_discussed),
    ),
    result(
        "CHILD_SEEN_AND_HEARD",
        Phase1,
        ChildInView,
        2154,
        "Kind is gezien en gehoord",
        once(always, |f| f.first_contact && child_seen(f, Phase1)),
    ),
    result(
        "ACTION_POINTS_FOR_CHILD",
        Phase1,
        ChildInView,
        2158,
        "Actiepunten voor kind",
        once(always, |f| f.goal_actions),
    ),
    // ── Fase 1 · Ouders en opvoeding ──
    // Working together starts with the parents' consent to the child's own support, the
    // method's one contra-indication (IB 150-154), and a first talk.
    activity(
        "WORKING_RELATIONSHIP",
        Phase1,
        ParentsAndParenting,
        CORE,
        2163,
        "Samenwerkingsrelatie opbouwen",
        once(always, |f| f.support_agreed && parent_talk(f, Phase1)),
    ),
    activity(
        "NON_ACCOMPANYING_PARENT",
        Phase1,
        ParentsAndParenting,
        CORE,
        2167,
        "Contact niet-meegekomen ouder",
        once(one_parent, |f| f.non_accompanying_parent.is_some()),
    ),
    activity(
        "PARENT_TALKS_PHASE_1",
        Phase1,
        ParentsAndParenting,
        CORE,
        2171,
        "Oudergesprekken",
        rhythm(always, |_| DueKind::ParentTalk, parent_talk),
    ),
    result(
        "WORKING_RELATIONSHIP_BEGUN",
        Phase1,
        ParentsAndParenting,
        2176,
        "Begin van samenwerkingsrelatie",
        CONFIRMED,
    ),
    result(
        "NON_ACCOMPANYING_PARENT_IN_VIEW",
        Phase1,
        ParentsAndParenting,
        2180,
        "Zicht op niet-meegekomen ouder",
        once(one_parent, |f| f.non_accompanying_parent.is_some()),
    ),
    result(
        "PARENTING_STRENGTHS_INVENTORIED",
        Phase1,
        ParentsAndParenting,
        2184,
        "Krachteninventarisatie opvoeding ingevuld",
        CONFIRMED,
    ),
    result(
        "PARENTS_PROVIDE_BASIC_CARE",
        Phase1,
        ParentsAndParenting,
        2189,
        "Ouders bieden basale zorg aan kind",
        once(always, |f| f.climate(L::ParentsProvideBasicCare)),
    ),
    result(
        "AWARE_OF_CHILD_S_SITUATION",
        Phase1,
        ParentsAndParenting,
        2194,
        "Bewustwording van situatie voor kind",
        CONFIRMED,
    ),
    // ── Fase 1 · Positief leef- en opvoedklimaat ──
    activity(
        "ARRANGE_DAILY_BASICS",
        Phase1,
        LivingClimate,
        CORE,
        2200,
        "Regelen basale aspecten dagelijks leven",
        once(always, |f| f.climate(L::BasicCareArranged)),
    ),
    activity(
        "SHOW_CHILD_AROUND",
        Phase1,
        LivingClimate,
        OPT,
        2205,
        "Kind wegwijs maken",
        once(always, |f| f.climate(L::ChildShownAround) || f.house_rules_explained),
    ),
    activity(
        "CALM_AND_STABILITY",
        Phase1,
        LivingClimate,
        OPT,
        2208,
        "Met ouders rust en stabiliteit in leefsituatie creëren",
        once(always, |f| f.climate(L::CalmAndStability) || f.served(LivingClimate, Phase1)),
    ),
    result(
        "BASIC_CARE_REALISED",
        Phase1,
        LivingClimate,
        2216,
        "Basale zorg gerealiseerd",
        once(always, |f| f.climate(L::BasicCareArranged)),
    ),
    result(
        "CHILD_FEELS_WELCOME",
        Phase1,
        LivingClimate,
        2219,
        "Kind voelt zich welkom en weet waar en bij wie het terecht kan",
        once(always, |f| f.climate(L::ChildFeelsWelcome)),
    ),
    result(
        "HOUSING_SAFE",
        Phase1,
        LivingClimate,
        2225,
        "De woonsituatie is veilig voor het kind",
        once(always, |f| f.climate(L::HousingSafe)),
    ),
    // ── Fase 1 · Netwerk ──
    activity(
        "EXPLAIN_THE_NETWORK",
        Phase1,
        Network,
        OPT,
        2232,
        "Uitleg over belang netwerk",
        once(always, |f| about(f, T::ImportanceOfTheNetwork)),
    ),
    activity(
        "MAP_THE_NETWORK",
        Phase1,
        Network,
        CORE,
        2235,
        "Netwerk in kaart brengen",
        once(always, |f| f.network_members > 0),
    ),
    activity(
        "CONNECT_WITH_THE_NETWORK",
        Phase1,
        Network,
        OPT,
        2238,
        "Contact leggen met voor kind belangrijke netwerkpersonen",
        once(always, |f| f.held(&[NetworkContact], Some(Phase1), None)),
    ),
    result(
        "IMPORTANT_PEOPLE_IN_VIEW",
        Phase1,
        Network,
        2246,
        "Zicht op belangrijke netwerkpersonen voor het kind",
        once(always, |f| f.network_members > 0),
    ),
    result(
        "CHILD_IN_TOUCH_WITH_IMPORTANT_PEOPLE",
        Phase1,
        Network,
        2252,
        "Kind heeft contact met belangrijke personen",
        once(always, |f| f.held(&[NetworkContact], None, None)),
    ),
    // ── Fase 1 · Samenwerken met en inschakelen van externe hulp ──
    activity(
        "MAP_SERVICES",
        Phase1,
        ChainCooperation,
        CORE,
        2259,
        "In kaart brengen relevante voorzieningen en professionals",
        once(always, |f| !f.involvements.is_empty() || f.existing_help_known),
    ),
    activity(
        "START_REFERRAL",
        Phase1,
        ChainCooperation,
        OPT,
        2266,
        "Start toeleiden naar hulp indien nodig",
        once(outside_help_needed, |f| f.screening_referred || involvement_since_admission(f)),
    ),
    result(
        "SERVICES_COORDINATED",
        Phase1,
        ChainCooperation,
        2272,
        "Contact en afstemming met voorzieningen en professionals",
        once(professionals_involved, |f| f.held(&[ThreeWayTalk, ProfessionalConsultation], None, None)),
    ),
    result(
        "REGISTERED_IN_REFERENCE_INDEX",
        Phase1,
        ChainCooperation,
        2278,
        "Geregistreerd in Verwijsindex",
        once(always, |f| f.registered_in_reference_index),
    ),
    result(
        "OUTSIDE_HELP_STARTED",
        Phase1,
        ChainCooperation,
        2282,
        "Aanzet tot inschakelen externe hulp indien nodig",
        once(outside_help_needed, |f| f.screening_referred || involvement_since_admission(f)),
    ),
    // ── Fase 2 · Kind in beeld ──
    activity(
        "CHILD_TALKS",
        Phase2,
        ChildInView,
        CORE,
        2290,
        "Kindgesprek 1x per 2 weken",
        rhythm(always, child_rhythm, child_seen),
    ),
    activity(
        "CHILD_IN_PARENT_TALKS",
        Phase2,
        ChildInView,
        CORE,
        2293,
        "Aandacht voor kind in oudergesprekken",
        once(always, |f| parent_talk(f, Phase2)),
    ),
    activity(
        "SIGNS_OF_CONCERN",
        Phase2,
        ChildInView,
        CORE,
        2297,
        "Alert zijn op en aanpakken zorgsignalen",
        rhythm(
            always,
            |_| DueKind::SafetyPlanReview,
            |f, p| {
                f.assessments.iter().any(|a| f.in_phase(p, a.on))
                    || f.held(&[], Some(p), Some(T::SignsOfConcern))
                    || f.reporting_code_track
            },
        ),
    ),
    activity(
        "EVALUATE_PROGRESS",
        Phase2,
        ChildInView,
        CORE,
        2301,
        "Voortgang actiepunten evalueren",
        rhythm(always, |_| DueKind::Evaluation, evaluated),
    ),
    result(
        "SAFETY_IMPROVED",
        Phase2,
        ChildInView,
        2307,
        "Veiligheid (fysiek en emotioneel) verbeterd",
        once(always, |f| {
            let scores: Vec<i32> = f.assessments.iter().filter_map(|a| a.worker_score).collect();
            f.judged_safe()
                || matches!((scores.first(), scores.last()), (Some(a), Some(b)) if scores.len() > 1 && b > a)
        }),
    ),
    result("CONCERNS_ADDRESSED", Phase2, ChildInView, 2312, "Zorgen in beeld en aangepakt", CONFIRMED),
    result(
        "CHILD_HAS_MORE_GRIP",
        Phase2,
        ChildInView,
        2316,
        "Kind heeft meer grip op situatie en op emoties",
        CONFIRMED,
    ),
    result(
        "PROGRESS_IN_VIEW",
        Phase2,
        ChildInView,
        2321,
        "Zicht op voortgang actiepunten bij kind en ouders",
        once(always, |f| !f.evaluations.is_empty()),
    ),
    // ── Fase 2 · Ouders en opvoeding ──
    activity(
        "PARENT_TALKS",
        Phase2,
        ParentsAndParenting,
        CORE,
        2329,
        "In oudergesprekken 1x per week",
        rhythm(always, |_| DueKind::ParentTalk, parent_talk),
    ),
    activity(
        "SUPPORT_THE_PARENTS",
        Phase2,
        ParentsAndParenting,
        OPT,
        2333,
        "Ouders ondersteunen",
        once(always, |f| about(f, T::ParentSupport)),
    ),
    activity(
        "HELP_PARENTS_HELP_THE_CHILD_COPE",
        Phase2,
        ParentsAndParenting,
        OPT,
        2336,
        "Ouders helpen hun kind te ondersteunen bij de verwerking",
        once(always, |f| {
            about(f, T::HelpingTheChildCope)
                || about(f, T::PsychoEducation)
                || f.psycho_education
                    .iter()
                    .any(|(who, took_part)| *who == PsychoEducationAudience::Parent && *took_part)
        }),
    ),
    activity(
        "PARENTING_SUPPORT",
        Phase2,
        ParentsAndParenting,
        OPT,
        2343,
        "Ouders ondersteunen bij de opvoeding",
        once(always, |f| about(f, T::ParentingSupport)),
    ),
    activity(
        "SIGNS_OF_CONCERN_WITH_PARENTS",
        Phase2,
        ParentsAndParenting,
        OPT,
        2348,
        "Alert zijn op en aanpakken zorgsignalen (met ouders)",
        once(always, |f| parent_talk_about(f, T::SignsOfConcern, Phase2)),
    ),
    activity(
        "EVALUATE_WITH_PARENTS",
        Phase2,
        ParentsAndParenting,
        CORE,
        2354,
        "Voortgang actiepunten evalueren (met ouders)",
        once(always, |f| f.evaluations.iter().any(|(_, parent)| *parent)),
    ),
    result("PARENTS_FEEL_SUPPORTED", Phase2, ParentsAndParenting, 2360, "Ouders voelen zich gesteund", CONFIRMED),
    result(
        "STRENGTHS_AND_CONCERNS_IN_VIEW",
        Phase2,
        ParentsAndParenting,
        2364,
        "Zicht op krachten en zorgen",
        CONFIRMED,
    ),
    result(
        "PARENTS_ABLE_TO_SUPPORT_THE_CHILD",
        Phase2,
        ParentsAndParenting,
        2368,
        "Ouders zijn in staat hun kind te ondersteunen",
        CONFIRMED,
    ),
    result(
        "GOOD_ENOUGH_PARENTING",
        Phase2,
        ParentsAndParenting,
        2373,
        "Ouders voldoen aan criteria 'goed genoeg ouderschap'",
        CONFIRMED,
    ),
    result(
        "PROGRESS_IN_VIEW_WITH_PARENTS",
        Phase2,
        ParentsAndParenting,
        2379,
        "Zicht op voortgang actiepunten bij kind en ouders (met ouders)",
        once(always, |f| f.evaluations.iter().any(|(_, parent)| *parent)),
    ),
    // ── Fase 2 · Positief leef- en opvoedklimaat ──
    activity(
        "MONITOR_LIVING_CLIMATE",
        Phase2,
        LivingClimate,
        OPT,
        2387,
        "Monitoren van het leef- en opvoedklimaat",
        once(always, |f| f.living_climate.iter().any(|(p, _)| *p == Phase2)),
    ),
    activity(
        "PROVIDE_ACTIVITIES",
        Phase2,
        LivingClimate,
        OPT,
        2391,
        "Realiseren van activiteiten voor het kind",
        once(always, |f| !f.activities.is_empty()),
    ),
    activity(
        "ENCOURAGE_TAKING_PART",
        Phase2,
        LivingClimate,
        OPT,
        2395,
        "Ouders en kind stimuleren deel te nemen aan activiteiten",
        once(always, |f| f.activities.iter().any(|a| a.child_took_part)),
    ),
    result(
        "LIVING_CLIMATE_SUFFICIENT",
        Phase2,
        LivingClimate,
        2402,
        "Het leef- en opvoedklimaat is voldoende",
        once(always, |f| f.climate(L::ClimateSufficient)),
    ),
    result(
        "CHILD_TAKES_PART_IN_ACTIVITIES",
        Phase2,
        LivingClimate,
        2407,
        "Kind neemt deel aan passende activiteiten",
        once(always, |f| f.activities.iter().any(|a| a.child_took_part)),
    ),
    // ── Fase 2 · Netwerk ──
    activity(
        "STRENGTHEN_THE_FAMILY_S_NETWORK",
        Phase2,
        Network,
        OPT,
        2414,
        "Gezin ondersteunen bij versterking van het netwerk",
        once(always, |f| about(f, T::StrengtheningTheNetwork)),
    ),
    activity(
        "STRENGTHEN_SOCIAL_TIES",
        Phase2,
        Network,
        OPT,
        2420,
        "Binding met sociale omgeving versterken",
        once(always, |f| {
            about(f, T::SocialTies)
                || f.activities.iter().any(|a| a.kind == entities::ActivityKind::Club && a.child_took_part)
        }),
    ),
    activity(
        "SUPPORT_CONTACT_WITH_FRIENDS",
        Phase2,
        Network,
        OPT,
        2425,
        "Kinderen stimuleren en steunen bij contact met vriendjes en vriendinnetjes",
        once(always, |f| about(f, T::Friends)),
    ),
    result("FAMILY_HAS_SOCIAL_SUPPORT", Phase2, Network, 2434, "Gezin heeft voldoende sociale steun", CONFIRMED),
    result(
        "CHILD_HAS_IMPORTANT_CONTACTS",
        Phase2,
        Network,
        2438,
        "Het kind heeft contacten met mensen die belangrijk voor hem zijn",
        once(always, |f| f.held(&[NetworkContact], Some(Phase2), None)),
    ),
    result("CHILD_HAS_PEER_CONTACT", Phase2, Network, 2445, "Het kind heeft contact met leeftijdgenoten", CONFIRMED),
    // ── Fase 2 · Samenwerken met en inschakelen van externe hulp ──
    activity(
        "REFER_TO_OUTSIDE_CARE",
        Phase2,
        ChainCooperation,
        OPT,
        2452,
        "Toeleiden naar externe zorg indien nodig",
        once(outside_help_needed, involvement_since_admission),
    ),
    activity(
        "FOLLOW_OUTSIDE_HELP",
        Phase2,
        ChainCooperation,
        OPT,
        2456,
        "Via ouder en kind monitoren hoe de externe hulp verloopt",
        once(professionals_involved, |f| f.served(ChainCooperation, Phase2)),
    ),
    activity(
        "COORDINATE_WITH_PROFESSIONALS",
        Phase2,
        ChainCooperation,
        OPT,
        2462,
        "Afstemming met de betreffende professionals",
        once(professionals_involved, |f| consulted_professionals(f, Phase2)),
    ),
    result(
        "FITTING_HELP",
        Phase2,
        ChainCooperation,
        2469,
        "Het kind en/of de ouders krijgen indien nodig passende hulp",
        once(outside_help_needed, |f| f.involvements.iter().any(|(_, until)| until.is_none_or(|u| u >= f.today))),
    ),
    result(
        "CLEAR_WHO_DOES_WHAT",
        Phase2,
        ChainCooperation,
        2476,
        "Voor ouder, kind en professionals is duidelijk wie wat doet en waarom",
        once(professionals_involved, |f| consulted_professionals(f, Phase2)),
    ),
    // ── Fase 3 · Kind in beeld ──
    activity(
        "REVIEW_WITH_THE_CHILD",
        Phase3,
        ChildInView,
        CORE,
        2497,
        "Nagaan wat goed gaat en waarvoor nog aandacht nodig is",
        once(always, |f| {
            child_talk_about(f, T::WhatGoesWell) || f.evaluations.iter().any(|(on, _)| f.in_phase(Phase3, *on))
        }),
    ),
    activity(
        "PREPARE_THE_CHILD",
        Phase3,
        ChildInView,
        CORE,
        2503,
        "Kind voorbereiden op toekomstige situatie",
        once(always, |f| child_talk_about(f, T::PreparingDeparture)),
    ),
    activity(
        "CLOSE_THE_SUPPORT",
        Phase3,
        ChildInView,
        CORE,
        2508,
        "Begeleiding afronden",
        once(always, |f| f.phase == Closed),
    ),
    activity(
        "ARRANGE_FAREWELL",
        Phase3,
        ChildInView,
        OPT,
        2511,
        "Afscheid regelen",
        once(always, |f| about(f, T::Farewell)),
    ),
    activity(
        "AGREE_ON_SAFETY_MONITORING",
        Phase3,
        ChildInView,
        CORE,
        2514,
        "Afspraken maken over monitoren van de veiligheid",
        once(always, |f| f.safety_monitoring),
    ),
    activity(
        "ARRANGE_HANDOVER",
        Phase3,
        ChildInView,
        CORE,
        2519,
        "Overdracht naar eventuele vervolghulp of ondersteuning regelen",
        once(always, |f| f.aftercare.is_some()),
    ),
    result(
        "CHILD_PREPARED",
        Phase3,
        ChildInView,
        2527,
        "Kind is voorbereid op nieuwe leefsituatie",
        once(always, |f| child_talk_about(f, T::PreparingDeparture)),
    ),
    result(
        "SAFETY_MONITORING_CLEAR",
        Phase3,
        ChildInView,
        2532,
        "Duidelijkheid hoe de veiligheid van het kind gemonitord wordt",
        once(always, |f| f.safety_monitoring),
    ),
    result(
        "CONTINUITY_OF_CARE",
        Phase3,
        ChildInView,
        2539,
        "Continuïteit van de zorg is gewaarborgd",
        once(always, follow_up_arranged),
    ),
    // ── Fase 3 · Ouders en opvoeding ──
    activity(
        "PARENT_TALKS_PHASE_3",
        Phase3,
        ParentsAndParenting,
        CORE,
        2546,
        "In oudergesprekken 1x per week",
        rhythm(always, |_| DueKind::ParentTalk, parent_talk),
    ),
    activity(
        "REVIEW_WITH_THE_PARENTS",
        Phase3,
        ParentsAndParenting,
        OPT,
        2550,
        "Bespreken wat goed gaat en waar nog aandacht voor nodig is",
        once(always, |f| parent_talk_about(f, T::WhatGoesWell, Phase3)),
    ),
    activity(
        "PREPARE_THE_PARENTS",
        Phase3,
        ParentsAndParenting,
        OPT,
        2556,
        "Ouders voorbereiden op nieuwe leefsituatie",
        once(always, |f| parent_talk_about(f, T::PreparingDeparture, Phase3)),
    ),
    activity(
        "DISCUSS_RELAPSE_RISK",
        Phase3,
        ParentsAndParenting,
        OPT,
        2561,
        "Terugvalrisico's bespreken",
        once(always, |f| about(f, T::RelapseRisk)),
    ),
    activity(
        "SUPPORT_IN_THE_NEW_SITUATION",
        Phase3,
        ParentsAndParenting,
        OPT,
        2565,
        "Ondersteuningsmogelijkheden in nieuwe situatie",
        once(always, |f| about(f, T::SupportAfterDeparture)),
    ),
    result(
        "PARENTS_ABLE_TO_PROVIDE_LASTING_SAFETY",
        Phase3,
        ParentsAndParenting,
        2573,
        "Ouders zijn in staat hun kind duurzame veiligheid en ontwikkeling te bieden",
        CONFIRMED,
    ),
    result(
        "PARENTS_KNOW_WHERE_TO_GET_SUPPORT",
        Phase3,
        ParentsAndParenting,
        2581,
        "Ouders weten waar zij ondersteuning kunnen krijgen",
        once(always, |f| about(f, T::SupportAfterDeparture)),
    ),
    result(
        "FOLLOW_UP_ARRANGED",
        Phase3,
        ParentsAndParenting,
        2587,
        "Eventuele vervolghulp is geregeld",
        once(always, follow_up_arranged),
    ),
    result(
        "PARENTING_MONITORING_CLEAR",
        Phase3,
        ParentsAndParenting,
        2591,
        "Duidelijkheid hoe de opvoedsituatie gemonitord wordt",
        CONFIRMED,
    ),
    // ── Fase 3 · Positief leef- en opvoedklimaat ──
    activity(
        "FOCUS_ON_DEPARTURE",
        Phase3,
        LivingClimate,
        OPT,
        2599,
        "Focus op vertrek uit de opvang en overgang naar de nieuwe situatie",
        once(always, |f| f.climate(L::FocusOnDeparture)),
    ),
    activity(
        "CHILD_SAYS_GOODBYE",
        Phase3,
        LivingClimate,
        OPT,
        2606,
        "Kind bewust afscheid laten nemen van de opvangperiode, de kinderen en volwassenen",
        once(always, |f| f.activities.iter().any(|a| a.kind == Farewell && a.child_took_part)),
    ),
    activity(
        "CONTINUITY_INTO_THE_NEW_SITUATION",
        Phase3,
        LivingClimate,
        OPT,
        2613,
        "Zorgdragen voor overdracht en continuïteit naar de nieuwe situatie",
        once(always, |f| f.activities.iter().any(|a| a.continues_after_departure)),
    ),
    result(
        "PLEASANT_ENDING",
        Phase3,
        LivingClimate,
        2622,
        "Het kind sluit de opvangperiode op een prettige manier af",
        once(always, |f| f.activities.iter().any(|a| a.kind == Farewell && a.child_took_part)),
    ),
    // ── Fase 3 · Netwerk ──
    activity(
        "WHO_CAN_DO_WHAT",
        Phase3,
        Network,
        OPT,
        2630,
        "Inventariseren wie wat kan betekenen voor het gezin",
        once(always, |f| f.network_support_known),
    ),
    activity(
        "AGREEMENTS_FOR_AFTER_SUPPORT",
        Phase3,
        Network,
        OPT,
        2635,
        "Afspraken maken voor de eerste periode na afronding van begeleiding",
        once(always, |f| about(f, T::NetworkAgreements)),
    ),
    result(
        "AGREEMENTS_WITH_THE_NETWORK",
        Phase3,
        Network,
        2644,
        "Afspraken met netwerkpersonen wie welke steun biedt aan het gezin",
        once(always, |f| about(f, T::NetworkAgreements)),
    ),
    // ── Fase 3 · Samenwerken met en inschakelen van externe hulp ──
    activity(
        "OWN_STRENGTH_AND_HELP_NEEDED",
        Phase3,
        ChainCooperation,
        OPT,
        2653,
        "Nagaan wat de gezinsleden samen met het netwerk zelf kunnen en waar professionele ondersteuning voor nodig is",
        once(always, |f| about(f, T::OwnStrengthAndHelpNeeded) || f.aftercare.is_some()),
    ),
    activity(
        "AGREE_WITH_PROFESSIONALS",
        Phase3,
        ChainCooperation,
        OPT,
        2663,
        "Afstemmen met externe professionals over al dan niet continueren of afronden van de hulp",
        once(professionals_involved, |f| consulted_professionals(f, Phase3)),
    ),
    activity(
        "ARRANGE_FOLLOW_UP_HELP",
        Phase3,
        ChainCooperation,
        CORE,
        2671,
        "Eventuele vervolghulp in nieuwe situatie regelen",
        once(follow_up_possible, follow_up_arranged),
    ),
    result(
        "HELP_NEEDED_CLEAR",
        Phase3,
        ChainCooperation,
        2678,
        "Duidelijkheid over de hulp en ondersteuning die in de nieuwe situatie nodig is",
        once(always, |f| f.aftercare.is_some()),
    ),
    result(
        "FOLLOW_UP_HELP_ARRANGED",
        Phase3,
        ChainCooperation,
        2688,
        "Eventuele vervolghulp is geregeld (met professionals)",
        once(follow_up_possible, follow_up_arranged),
    ),
];
