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
        }
    };
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
    }
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as sea_orm::Iterable>::iter().find(|r| r.as_str() == s)
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
    }
}

impl MembershipRole {
    pub fn is_adult_role(self) -> bool {
        self != Self::Child
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
