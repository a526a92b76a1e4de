//! Enumerations stored as text and exposed as GraphQL enums.
//!
//! Stored values are the SCREAMING_CASE names, so the database stays readable
//! and the GraphQL value equals the stored one.

use sea_orm::entity::prelude::*;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, async_graphql::Enum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(40))")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $value)] #[graphql(name = $value)] $variant,)+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value,)+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($value => Some(Self::$variant),)+ _ => None }
            }
        }

        impl TextEnum for $name {
            fn as_str(self) -> &'static str {
                self.as_str()
            }
            fn parse(s: &str) -> Option<Self> {
                Self::parse(s)
            }
        }
    };
}

/// A text enum, for lists of them kept in one JSON column.
pub trait TextEnum: Copy + Sized {
    fn as_str(self) -> &'static str;
    fn parse(s: &str) -> Option<Self>;
}

/// A list of enum values as a JSON array of their names.
pub fn list_to_json<E: TextEnum>(list: &[E]) -> Json {
    list.iter().map(|e| Json::from(e.as_str())).collect()
}

/// The enum values in a JSON array; unknown names (from a later version) are skipped.
pub fn list_from_json<E: TextEnum>(json: &Json) -> Vec<E> {
    json.as_array().into_iter().flatten().filter_map(|v| E::parse(v.as_str()?)).collect()
}

text_enum! {
    /// Role of a worker (medewerker).
    Role {
        /// Kind- en gezinsbegeleider: the responsible worker for children.
        ChildFamilyWorker = "CHILD_FAMILY_WORKER",
        /// Gedragsdeskundige (behavioural expert).
        BehaviouralExpert = "BEHAVIOURAL_EXPERT",
        /// Teamleider.
        TeamLead = "TEAM_LEAD",
        /// Functioneel beheerder of the organisation.
        OrgAdmin = "ORG_ADMIN",
        /// Kwaliteitsmedewerker: reads the norm figures and the children behind them, edits no case.
        QualityOfficer = "QUALITY_OFFICER",
    }
}

text_enum! {
    /// Kind of shelter location.
    LocationKind {
        /// Vrouwenopvang (women's shelter).
        Vo = "VO",
        /// Maatschappelijke opvang.
        Mo = "MO",
    }
}

text_enum! {
    /// Whether care is given in residence or from outside (residentieel / ambulant).
    CareSetting {
        /// Residentieel: 24-hour residential care.
        Residential = "RESIDENTIAL",
        /// Ambulant: support while living elsewhere.
        Ambulant = "AMBULANT",
    }
}

text_enum! {
    /// A person's role in the family (rol in het gezin).
    MembershipRole {
        /// Kind.
        Child = "CHILD",
        /// Verzorgende ouder, staying with the child.
        CaringParent = "CARING_PARENT",
        /// Niet-meegekomen ouder.
        NonAccompanyingParent = "NON_ACCOMPANYING_PARENT",
        /// Stiefouder.
        StepParent = "STEP_PARENT",
        /// Andere volwassene.
        OtherAdult = "OTHER_ADULT",
        /// A child of the family who did not come to the shelter (e.g. stays with the other
        /// parent): no client of the shelter, but the Meldcode can concern it (norm 4).
        ChildNotAdmitted = "CHILD_NOT_ADMITTED",
    }
}

impl MembershipRole {
    pub fn is_adult_role(self) -> bool {
        !matches!(self, Self::Child | Self::ChildNotAdmitted)
    }
}

text_enum! {
    /// Sex as recorded (geslacht, as in the BRP).
    Sex {
        Female = "FEMALE",
        Male = "MALE",
        /// Onbepaald / X.
        Undetermined = "UNDETERMINED",
        Unknown = "UNKNOWN",
    }
}

text_enum! {
    /// Phase of a child's trajectory (fase).
    Phase {
        /// Fase 1: aanmelding, opname en verkenning (at most 6 weeks).
        Phase1 = "PHASE_1",
        /// Fase 2: begeleiding.
        Phase2 = "PHASE_2",
        /// Fase 3: afronding.
        Phase3 = "PHASE_3",
        /// Afgesloten.
        Closed = "CLOSED",
    }
}

/// Every trajectory starts in phase 1.
impl Default for Phase {
    fn default() -> Self {
        Self::Phase1
    }
}

text_enum! {
    /// Why a trajectory ended (reden beëindiging).
    EndReason {
        /// Uitstroom naar een zelfstandige woning.
        IndependentHousing = "INDEPENDENT_HOUSING",
        /// Doorstroom naar een andere opvang of organisatie.
        TransferredElsewhere = "TRANSFERRED_ELSEWHERE",
        /// Terug naar de eigen woning.
        ReturnedHome = "RETURNED_HOME",
        /// Uithuisplaatsing van het kind.
        PlacedOutOfHome = "PLACED_OUT_OF_HOME",
        /// Vertrokken zonder bericht.
        LeftWithoutNotice = "LEFT_WITHOUT_NOTICE",
        /// Anders.
        Other = "OTHER",
    }
}

text_enum! {
    /// What was done with a person's record (NEN 7513 handeling).
    AccessAction {
        Create = "CREATE",
        Read = "READ",
        Update = "UPDATE",
        Delete = "DELETE",
        Search = "SEARCH",
        Export = "EXPORT",
    }
}

text_enum! {
    /// Kerntaak of the Veerkracht method.
    CoreTask {
        /// Kind in beeld.
        ChildInView = "CHILD_IN_VIEW",
        /// Ouders en opvoeding.
        ParentsAndParenting = "PARENTS_AND_PARENTING",
        /// Leef- en opvoedklimaat.
        LivingClimate = "LIVING_CLIMATE",
        /// Netwerk.
        Network = "NETWORK",
        /// Ketensamenwerking.
        ChainCooperation = "CHAIN_COOPERATION",
    }
}

text_enum! {
    /// Kind of contact (soort gesprek).
    ContactKind {
        /// Kindgesprek.
        ChildTalk = "CHILD_TALK",
        /// Oudergesprek about the child.
        ParentTalk = "PARENT_TALK",
        /// Ouder-kindgesprek.
        ParentChildTalk = "PARENT_CHILD_TALK",
        /// Contact with the non-accompanying parent (niet-meegekomen ouder).
        NonAccompanyingParentContact = "NON_ACCOMPANYING_PARENT_CONTACT",
        /// Driegesprek: parent, worker and e.g. the school's contact person.
        ThreeWayTalk = "THREE_WAY_TALK",
        /// Netwerkcontact.
        NetworkContact = "NETWORK_CONTACT",
        /// Huisbezoek.
        HomeVisit = "HOME_VISIT",
        /// Observatie of a child under 4 with the parent: the child, the parent and their
        /// interaction (IB 380-383, 463-466).
        Observation = "OBSERVATION",
        /// Afstemming with professionals involved with the child (IB 2462, 2663).
        ProfessionalConsultation = "PROFESSIONAL_CONSULTATION",
    }
}

text_enum! {
    /// School or day care the child attends (onderwijs / kinderopvang).
    EducationKind {
        School = "SCHOOL",
        /// Kinderopvang / peuterspeelzaal.
        DayCare = "DAY_CARE",
        None = "NONE",
    }
}

text_enum! {
    /// Oordeel of a safety assessment.
    SafetyJudgement {
        /// Goed.
        Good = "GOOD",
        /// Goed genoeg.
        GoodEnough = "GOOD_ENOUGH",
        /// Niet goed genoeg: starts the Meldcode.
        NotGoodEnough = "NOT_GOOD_ENOUGH",
    }
}

text_enum! {
    /// Who gave a safety scale score.
    SafetyRespondent {
        /// The worker (medewerker).
        Worker = "WORKER",
        /// A parent (ouder).
        Parent = "PARENT",
        /// The child, from about 4.
        Child = "CHILD",
    }
}

text_enum! {
    /// Tools used in a safety assessment.
    SafetyTool {
        /// Veiligthuiskaart.
        SafeAtHomeCard = "SAFE_AT_HOME_CARD",
        /// Werkkaart "Wanneer is ouderschap goed genoeg?".
        GoodEnoughParentingCard = "GOOD_ENOUGH_PARENTING_CARD",
        /// Drie huizen.
        ThreeHouses = "THREE_HOUSES",
        Other = "OTHER",
    }
}

text_enum! {
    /// A decision recorded in the Meldcode (steps 4 and 5).
    MeldcodeDecision {
        /// Step 4: acute or structural unsafety (acute of structurele onveiligheid).
        AcuteOrStructuralUnsafety = "ACUTE_OR_STRUCTURAL_UNSAFETY",
        /// Step 4: no acute or structural unsafety.
        NoAcuteOrStructuralUnsafety = "NO_ACUTE_OR_STRUCTURAL_UNSAFETY",
        /// Step 5: report to Veilig Thuis (melden).
        Report = "REPORT",
        /// Step 5: organise help (hulp organiseren).
        OrganiseHelp = "ORGANISE_HELP",
        /// Step 5: report and organise help.
        ReportAndOrganiseHelp = "REPORT_AND_ORGANISE_HELP",
    }
}

text_enum! {
    /// What opened a Meldcode track: a signal or suspicion of domestic violence or child abuse.
    ReportingCodeSignal {
        /// A safety assessment judged "niet goed genoeg" (IB 433-434).
        SafetyAssessment = "SAFETY_ASSESSMENT",
        /// A risk seen at the first contact (geweld, trauma).
        RiskAtFirstContact = "RISK_AT_FIRST_CONTACT",
        /// The child (or a parent) told of violence or abuse (onthulling).
        Disclosure = "DISCLOSURE",
        /// Signs the worker or a colleague observed.
        Observation = "OBSERVATION",
        /// Told by someone else, e.g. the school or a partner.
        ReportedByOthers = "REPORTED_BY_OTHERS",
        Other = "OTHER",
    }
}

text_enum! {
    /// How a Meldcode track ended.
    ReportingCodeCloseReason {
        /// Step 5 decided: report to Veilig Thuis and/or organise help.
        Decided = "DECIDED",
        /// Steps 1 to 3 did not confirm the suspicion (afwegingsvraag 1): no report, no help
        /// organised under the Meldcode.
        SuspicionNotConfirmed = "SUSPICION_NOT_CONFIRMED",
    }
}

text_enum! {
    /// Progress on a goal at an evaluation.
    GoalStatus {
        NotStarted = "NOT_STARTED",
        InProgress = "IN_PROGRESS",
        Achieved = "ACHIEVED",
    }
}

text_enum! {
    /// How a network member relates to the child.
    NetworkRelation {
        Parent = "PARENT",
        /// Familie.
        Family = "FAMILY",
        Teacher = "TEACHER",
        Coach = "COACH",
        Friend = "FRIEND",
        Neighbour = "NEIGHBOUR",
        Professional = "PROFESSIONAL",
        Other = "OTHER",
    }
}

text_enum! {
    /// Besluit over overdracht en nazorg, recorded when a trajectory closes.
    AftercareDecision {
        /// Warme overdracht to a chain partner.
        WarmHandover = "WARM_HANDOVER",
        /// Nazorg by the shelter itself.
        AftercareByShelter = "AFTERCARE_BY_SHELTER",
        /// No follow-up needed.
        NoFollowUpNeeded = "NO_FOLLOW_UP_NEEDED",
        /// The family could not be reached for aftercare.
        NotReachable = "NOT_REACHABLE",
    }
}

text_enum! {
    /// Subdoel a–j of the Veerkracht method that a goal of the action plan serves (IB 172-205):
    /// a–f concern the child, g–j the parents — the parent who came along and the one who did
    /// not. The full texts are in `server::domain::sub_goals` and the `subGoals` query.
    SubGoal {
        /// a. Het kind verkeert in een veilige situatie, zonder mishandeling, verwaarlozing of geweld.
        A = "A",
        /// b. Het kind ervaart veiligheid, rust en stabiliteit in de dagelijkse leefsituatie.
        B = "B",
        /// c. Het kind begrijpt wat er aan de hand is en wat er gaat gebeuren (grip op de situatie).
        C = "C",
        /// d. Het kind kan zijn gevoelens over de gebeurtenissen uiten en heeft grip op zijn emoties.
        D = "D",
        /// e. Het kind ervaart steun van personen die belangrijk voor hem zijn en heeft contact met vriendjes.
        E = "E",
        /// f. Mogelijke problemen en posttraumatische klachten zijn in kaart gebracht; zo nodig is hulp geregeld.
        F = "F",
        /// g. De ouder is zich bewust van de gevolgen van de situatie voor het kind en begrijpt wat het nodig heeft.
        G = "G",
        /// h. De ouder kan het kind emotionele veiligheid bieden en het in zijn ontwikkeling ondersteunen.
        H = "H",
        /// i. Voor de ouder is duidelijk welke rol en taak hij/zij vervult in verzorging en opvoeding.
        I = "I",
        /// j. Mogelijke problemen in de ouder-kindrelatie of de opvoeding zijn in kaart gebracht; zo nodig is hulp geregeld.
        J = "J",
    }
}

text_enum! {
    /// Onderwerp: what a contact was about, where the method names it as an activity of its own
    /// (bijlage 1; review §3.2 rows 24-26, 45-48).
    ContactTopic {
        /// Ouders ondersteunen (IB 2333).
        ParentSupport = "PARENT_SUPPORT",
        /// Ouders helpen hun kind te ondersteunen bij de verwerking (IB 2336).
        HelpingTheChildCope = "HELPING_THE_CHILD_COPE",
        /// Psycho-educatie over de gevolgen van huiselijk geweld voor kinderen (IB 2336; norm 10).
        PsychoEducation = "PSYCHO_EDUCATION",
        /// Ouders ondersteunen bij de opvoeding (IB 2343).
        ParentingSupport = "PARENTING_SUPPORT",
        /// Alert zijn op en aanpakken van zorgsignalen (IB 2297, 2348).
        SignsOfConcern = "SIGNS_OF_CONCERN",
        /// Uitleg over het belang van het netwerk (IB 2232).
        ImportanceOfTheNetwork = "IMPORTANCE_OF_THE_NETWORK",
        /// Bespreken wat goed gaat en waar nog aandacht voor nodig is (IB 2497, 2550).
        WhatGoesWell = "WHAT_GOES_WELL",
        /// Voorbereiden op de nieuwe leefsituatie (IB 2503, 2556).
        PreparingDeparture = "PREPARING_DEPARTURE",
        /// Terugvalrisico's bespreken (IB 2561).
        RelapseRisk = "RELAPSE_RISK",
        /// Ondersteuningsmogelijkheden in de nieuwe situatie (IB 2565).
        SupportAfterDeparture = "SUPPORT_AFTER_DEPARTURE",
        /// Afscheid (IB 2511, 2606).
        Farewell = "FAREWELL",
        /// Gezin ondersteunen bij versterking van het netwerk (IB 2414).
        StrengtheningTheNetwork = "STRENGTHENING_THE_NETWORK",
        /// Binding met de sociale omgeving versterken (IB 2420).
        SocialTies = "SOCIAL_TIES",
        /// Kinderen steunen bij contact met vriendjes en vriendinnetjes (IB 2425).
        Friends = "FRIENDS",
        /// Afspraken met netwerkpersonen voor de eerste periode na de begeleiding (IB 2635, 2644).
        NetworkAgreements = "NETWORK_AGREEMENTS",
        /// Nagaan wat het gezin met het netwerk zelf kan en waar professionele hulp nodig is (IB 2653).
        OwnStrengthAndHelpNeeded = "OWN_STRENGTH_AND_HELP_NEEDED",
    }
}

text_enum! {
    /// What follows a screening's result (vervolg), above all a raised score.
    ScreeningFollowUp {
        /// Verder onderzoek / diagnostiek.
        FurtherAssessment = "FURTHER_ASSESSMENT",
        /// Toeleiding naar (specialistische) hulp.
        Referral = "REFERRAL",
        /// Within the shelter's own support (the action plan).
        OwnSupport = "OWN_SUPPORT",
        /// No further step: a reasoned decision, the reason recorded.
        NoFurtherStep = "NO_FURTHER_STEP",
    }
}

text_enum! {
    /// Kind of chain partner (ketenpartner).
    PartnerKind {
        /// Verwijsindex risicojongeren.
        Verwijsindex = "VERWIJSINDEX",
        /// Wijkteam, jeugd- en gezinsteam or gebiedsteam.
        YouthTeam = "YOUTH_TEAM",
        /// School (onderwijs).
        School = "SCHOOL",
        /// Jeugdhulp.
        YouthCare = "YOUTH_CARE",
        /// GGZ (mental health care).
        Ggz = "GGZ",
        /// Veilig Thuis.
        VeiligThuis = "VEILIG_THUIS",
        /// JGZ / jeugdarts.
        Health = "HEALTH",
        /// Kinderopvang.
        DayCare = "DAY_CARE",
        Other = "OTHER",
    }
}

text_enum! {
    /// Which protocol a chain partner speaks with us.
    PartnerAdapter {
        /// The Verwijsindex protocol: signals out; matches in.
        Verwijsindex = "VERWIJSINDEX",
        /// Handle with Care notices to a school.
        School = "SCHOOL",
        /// Warm handovers and referrals with youth and neighbourhood teams.
        YouthTeam = "YOUTH_TEAM",
        /// No electronic exchange: the partner is known, messages are not sent.
        None = "NONE",
    }
}

text_enum! {
    /// What a consent (toestemming) is for.
    ConsentPurpose {
        /// Sharing information with a partner (gegevensdeling).
        ShareWithPartner = "SHARE_WITH_PARTNER",
        /// A warm handover (warme overdracht).
        Handover = "HANDOVER",
        /// Handle with Care notices to the school.
        HandleWithCare = "HANDLE_WITH_CARE",
        /// A neighbourhood team co-running the intake.
        CoRunIntake = "CO_RUN_INTAKE",
        /// Begeleiding van het kind: the parents with custody agree to the child's own support.
        /// Their refusal is the method's one contra-indication (IB 150-154); the legal guideline
        /// for acting without it (IB 771) is an override. Names no partner and no parts.
        ChildSupport = "CHILD_SUPPORT",
    }
}

text_enum! {
    /// A part of the child's record that a consent covers.
    ConsentScope {
        /// Name, date of birth, BSN.
        Identity = "IDENTITY",
        /// Gezag: who has custody.
        Custody = "CUSTODY",
        /// Betrokken professionals and how to reach them.
        InvolvedProfessionals = "INVOLVED_PROFESSIONALS",
        /// Veiligheidsplan.
        SafetyPlan = "SAFETY_PLAN",
        /// Goals and progress from the action plan (plan van aanpak).
        Goals = "GOALS",
        /// Screening outcomes (bands, never answers).
        Screening = "SCREENING",
        /// Netwerk members who agreed to be named.
        Network = "NETWORK",
        /// The intake conversation.
        Intake = "INTAKE",
    }
}

text_enum! {
    /// The decision a consent record holds.
    ConsentDecision {
        /// Toestemming gegeven.
        Given = "GIVEN",
        /// Toestemming geweigerd.
        Refused = "REFUSED",
        /// Shared without consent on a legal ground (doorbreken beroepsgeheim), with a reason.
        Override = "OVERRIDE",
    }
}

text_enum! {
    /// Delivery status of a message to a chain partner.
    MessageStatus {
        /// Waiting in the outbox.
        Queued = "QUEUED",
        /// Being sent (or the sender stopped before it knew the outcome).
        Sent = "SENT",
        /// The partner accepted it (2xx).
        Delivered = "DELIVERED",
        /// The partner confirmed it processed it.
        Acknowledged = "ACKNOWLEDGED",
        /// The last attempt failed; it will be tried again.
        Failed = "FAILED",
        /// Given up after the maximum number of attempts; an admin can retry it.
        Dead = "DEAD",
    }
}

text_enum! {
    /// Type of a message exchanged with a chain partner.
    MessageKind {
        /// Signaal afgeven in de Verwijsindex.
        ReferenceIndexRegister = "REFERENCE_INDEX_REGISTER",
        /// Signaal intrekken.
        ReferenceIndexWithdraw = "REFERENCE_INDEX_WITHDRAW",
        /// The Verwijsindex confirms a registration.
        ReferenceIndexRegistered = "REFERENCE_INDEX_REGISTERED",
        /// Match: another organisation registered the same child.
        ReferenceIndexMatch = "REFERENCE_INDEX_MATCH",
        /// Gezinsmatch: another organisation registered a sibling.
        ReferenceIndexFamilyMatch = "REFERENCE_INDEX_FAMILY_MATCH",
        /// Handle with Care: a notice to the school's contact person.
        HandleWithCareNotice = "HANDLE_WITH_CARE_NOTICE",
        /// Warme overdracht: the handover package.
        HandoverPackage = "HANDOVER_PACKAGE",
        /// The team received our handover.
        HandoverAcknowledged = "HANDOVER_ACKNOWLEDGED",
        /// The team accepts the handover.
        HandoverAccepted = "HANDOVER_ACCEPTED",
        /// The team declines the handover, with a reason.
        HandoverDeclined = "HANDOVER_DECLINED",
        /// Aanmelding: the team asks us to take in a family.
        Referral = "REFERRAL",
    }
}

text_enum! {
    /// State of a Verwijsindex signal (signaal).
    SignalStatus {
        /// Queued for the Verwijsindex, not yet confirmed.
        Requested = "REQUESTED",
        /// Confirmed by the Verwijsindex.
        Registered = "REGISTERED",
        /// Ingetrokken.
        Withdrawn = "WITHDRAWN",
        /// Past its end date (2 years, or the 23rd birthday).
        Expired = "EXPIRED",
    }
}

text_enum! {
    /// Why a signal is withdrawn. Only this code reaches the Verwijsindex, never a note.
    WithdrawalReason {
        /// Our involvement ended.
        CareEnded = "CARE_ENDED",
        /// The concern no longer applies.
        ConcernResolved = "CONCERN_RESOLVED",
        /// Registered by mistake.
        RegisteredInError = "REGISTERED_IN_ERROR",
        Other = "OTHER",
    }
}

text_enum! {
    /// Kind of Verwijsindex match.
    MatchKind {
        /// Match: another organisation is involved with this child.
        Match = "MATCH",
        /// Gezinsmatch: another organisation is involved with a sibling.
        FamilyMatch = "FAMILY_MATCH",
    }
}

text_enum! {
    /// What happened that the school should handle the child with care.
    IncidentKind {
        /// Arrival at the shelter after domestic violence.
        ArrivalAfterDomesticViolence = "ARRIVAL_AFTER_DOMESTIC_VIOLENCE",
        /// Police were involved (e.g. a call-out at home).
        PoliceInvolvement = "POLICE_INVOLVEMENT",
        /// Another incident the child witnessed or went through.
        OtherIncident = "OTHER_INCIDENT",
    }
}

text_enum! {
    /// Direction of a warm handover.
    HandoverDirection {
        /// Instroom: from a partner to us.
        Inflow = "INFLOW",
        /// Doorstroom: to another location or organisation.
        Throughflow = "THROUGHFLOW",
        /// Uitstroom: to aftercare.
        Outflow = "OUTFLOW",
    }
}

text_enum! {
    /// Where a warm handover stands.
    HandoverStatus {
        Draft = "DRAFT",
        /// Queued for the receiver.
        Sent = "SENT",
        /// The receiver's system took it.
        Delivered = "DELIVERED",
        /// The receiver confirmed it arrived.
        Acknowledged = "ACKNOWLEDGED",
        Accepted = "ACCEPTED",
        Declined = "DECLINED",
        /// The joint meeting (warme overdracht in person) took place.
        MeetingHeld = "MEETING_HELD",
        Completed = "COMPLETED",
    }
}

text_enum! {
    /// Where a referral from a partner stands.
    ReferralStatus {
        /// Received; a worker still has to confirm the admission.
        Received = "RECEIVED",
        Admitted = "ADMITTED",
        Declined = "DECLINED",
    }
}

/// Contactpersoon of a partner.
#[derive(
    Debug, Clone, async_graphql::SimpleObject, async_graphql::InputObject, serde::Serialize, serde::Deserialize,
)]
#[graphql(input_name = "ContactPersonInput")]
pub struct ContactPerson {
    pub name: String,
    /// Their role, e.g. "intern begeleider" or "aandachtsfunctionaris".
    pub role: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The school's designated person for Handle with Care notices.
    #[graphql(default)]
    #[serde(default)]
    pub handle_with_care: bool,
}

/// Afspraak in a safety plan: who does what, when.
#[derive(
    Debug, Clone, async_graphql::SimpleObject, async_graphql::InputObject, serde::Serialize, serde::Deserialize,
)]
#[graphql(input_name = "SafetyAgreementInput")]
pub struct SafetyAgreement {
    pub who: String,
    pub what: String,
    pub when: Option<String>,
}

text_enum! {
    /// Risk the non-accompanying parent poses to the child and the parent who came along.
    ParentRisk {
        /// No risk known.
        NoneKnown = "NONE_KNOWN",
        /// Zorgen: worries that ask for care in contact.
        Concerns = "CONCERNS",
        /// Gevaar: contact is not safe (e.g. the parent used violence, an order keeps them away).
        Danger = "DANGER",
    }
}

text_enum! {
    /// What the investigation of the non-accompanying parent came to (IB 525-531, 1678-1688).
    NonAccompanyingParentOutcome {
        /// Involved in the child's support (betrokken).
        Involved = "INVOLVED",
        /// Kept informed about the child, not otherwise involved (geïnformeerd).
        KeptInformed = "KEPT_INFORMED",
        /// No contact: not safe for the child or the parent who came along.
        NoContactUnsafe = "NO_CONTACT_UNSAFE",
        /// The parent does not want to be involved.
        ParentDeclined = "PARENT_DECLINED",
        /// The parent could not be reached.
        NotReachable = "NOT_REACHABLE",
        /// The parent is not known or not alive.
        NoParent = "NO_PARENT",
    }
}

text_enum! {
    /// An item of the living-climate checklist (Positief leef- en opvoedklimaat); each belongs
    /// to one phase (bijlage 1).
    LivingClimateItem {
        /// Fase 1: basale aspecten van het dagelijks leven geregeld — sleeping, food, clothes,
        /// school or day care (IB 2200, 2216).
        BasicCareArranged = "BASIC_CARE_ARRANGED",
        /// Fase 1: de ouders bieden basale zorg aan het kind (IB 2189).
        ParentsProvideBasicCare = "PARENTS_PROVIDE_BASIC_CARE",
        /// Fase 1: kind wegwijs gemaakt — where to live, play and sleep, where it may go (IB 2205, 631-633).
        ChildShownAround = "CHILD_SHOWN_AROUND",
        /// Fase 1: het kind voelt zich welkom en weet waar en bij wie het terecht kan (IB 2219).
        ChildFeelsWelcome = "CHILD_FEELS_WELCOME",
        /// Fase 1: met de ouders rust en stabiliteit in de leefsituatie (IB 2208).
        CalmAndStability = "CALM_AND_STABILITY",
        /// Fase 1: de woonsituatie is veilig voor het kind (IB 2225).
        HousingSafe = "HOUSING_SAFE",
        /// Fase 2: het leef- en opvoedklimaat is voldoende (IB 2387, 2402).
        ClimateSufficient = "CLIMATE_SUFFICIENT",
        /// Fase 3: focus op vertrek en de overgang naar de nieuwe situatie (IB 2599).
        FocusOnDeparture = "FOCUS_ON_DEPARTURE",
    }
}

impl LivingClimateItem {
    /// The phase whose checklist holds the item.
    pub fn phase(self) -> Phase {
        match self {
            Self::BasicCareArranged
            | Self::ParentsProvideBasicCare
            | Self::ChildShownAround
            | Self::ChildFeelsWelcome
            | Self::CalmAndStability
            | Self::HousingSafe => Phase::Phase1,
            Self::ClimateSufficient => Phase::Phase2,
            Self::FocusOnDeparture => Phase::Phase3,
        }
    }
}

text_enum! {
    /// Kind of activity for children.
    ActivityKind {
        /// Spel.
        Play = "PLAY",
        Sport = "SPORT",
        /// Creatief.
        Creative = "CREATIVE",
        /// Uitje.
        Outing = "OUTING",
        /// A club or association outside the shelter (vereniging).
        Club = "CLUB",
        /// A group meeting of children (kindergroep).
        ChildrenGroup = "CHILDREN_GROUP",
        /// Afscheid: saying goodbye to the stay, the children and the adults (IB 2606).
        Farewell = "FAREWELL",
        Other = "OTHER",
    }
}

text_enum! {
    /// Who psycho-education is for.
    PsychoEducationAudience {
        Child = "CHILD",
        Parent = "PARENT",
    }
}

text_enum! {
    /// How psycho-education is given.
    PsychoEducationForm {
        /// Individueel.
        Individual = "INDIVIDUAL",
        /// In a group (groepsbijeenkomst).
        Group = "GROUP",
    }
}

text_enum! {
    /// Who filled in an SDQ teacher form: the worker fills it in, and the teacher is asked to
    /// as well (IB 438-439).
    TeacherFormBy {
        /// De leerkracht.
        Teacher = "TEACHER",
        /// De begeleider.
        Worker = "WORKER",
    }
}
