//! One trait for partner adapters: what a protocol sends and receives, where each outbound
//! message goes, and how an inbound body is read. Transport (OAuth2, signatures, retries) is
//! the same for every partner and lives in [`crate::transport`] and [`crate::outbox`].

use crate::verwijsindex::{self, Notice};
use entities::{MessageKind, PartnerAdapter};

/// What an adapter sends and receives.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities {
    pub sends: &'static [MessageKind],
    pub receives: &'static [MessageKind],
}

pub trait Adapter: Send + Sync {
    fn capabilities(&self) -> Capabilities;
    /// Where a message of `kind` is posted, relative to the partner's endpoint.
    fn outbound_path(&self, kind: MessageKind) -> Option<&'static str>;
    /// The kind of a (verified) inbound body, or why it cannot be understood.
    fn inbound_kind(&self, body: &[u8]) -> Result<MessageKind, String>;
}

pub struct VerwijsindexAdapter;

impl Adapter for VerwijsindexAdapter {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            sends: &[MessageKind::ReferenceIndexRegister, MessageKind::ReferenceIndexWithdraw],
            receives: &[
                MessageKind::ReferenceIndexRegistered,
                MessageKind::ReferenceIndexMatch,
                MessageKind::ReferenceIndexFamilyMatch,
            ],
        }
    }

    fn outbound_path(&self, kind: MessageKind) -> Option<&'static str> {
        match kind {
            MessageKind::ReferenceIndexRegister => Some(verwijsindex::REGISTER_PATH),
            MessageKind::ReferenceIndexWithdraw => Some(verwijsindex::WITHDRAW_PATH),
            _ => None,
        }
    }

    fn inbound_kind(&self, body: &[u8]) -> Result<MessageKind, String> {
        serde_json::from_slice::<Notice>(body).map(|n| n.kind()).map_err(|e| e.to_string())
    }
}

/// Handle with Care notices to a school; schools send nothing back electronically.
pub struct SchoolAdapter;

impl Adapter for SchoolAdapter {
    fn capabilities(&self) -> Capabilities {
        Capabilities { sends: &[MessageKind::HandleWithCareNotice], receives: &[] }
    }

    fn outbound_path(&self, kind: MessageKind) -> Option<&'static str> {
        (kind == MessageKind::HandleWithCareNotice).then_some(crate::school::NOTICE_PATH)
    }

    fn inbound_kind(&self, _body: &[u8]) -> Result<MessageKind, String> {
        Err("schools send no messages to this inbox".into())
    }
}

/// Warm handovers to youth and neighbourhood teams; they acknowledge, accept or decline,
/// and refer families to us.
pub struct YouthTeamAdapter;

impl Adapter for YouthTeamAdapter {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            sends: &[MessageKind::HandoverPackage],
            receives: &[
                MessageKind::HandoverAcknowledged,
                MessageKind::HandoverAccepted,
                MessageKind::HandoverDeclined,
                MessageKind::Referral,
            ],
        }
    }

    fn outbound_path(&self, kind: MessageKind) -> Option<&'static str> {
        (kind == MessageKind::HandoverPackage).then_some(crate::youth_team::HANDOVER_PATH)
    }

    fn inbound_kind(&self, body: &[u8]) -> Result<MessageKind, String> {
        use crate::youth_team::TeamMessage;
        serde_json::from_slice::<TeamMessage>(body)
            .map(|m| match m {
                TeamMessage::Acknowledged { .. } => MessageKind::HandoverAcknowledged,
                TeamMessage::Accepted { .. } => MessageKind::HandoverAccepted,
                TeamMessage::Declined { .. } => MessageKind::HandoverDeclined,
                TeamMessage::Referral { .. } => MessageKind::Referral,
            })
            .map_err(|e| e.to_string())
    }
}

/// The adapter a partner row names; `None` for partners without electronic exchange.
pub fn adapter(kind: PartnerAdapter) -> Option<&'static dyn Adapter> {
    match kind {
        PartnerAdapter::Verwijsindex => Some(&VerwijsindexAdapter),
        PartnerAdapter::School => Some(&SchoolAdapter),
        PartnerAdapter::YouthTeam => Some(&YouthTeamAdapter),
        PartnerAdapter::None => None,
    }
}
