//! Custody (gezag): which adult holds parental authority over which child.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custody")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub child_id: Uuid,
    pub custodian_id: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::person::Entity", from = "Column::CustodianId", to = "super::person::Column::Id")]
    Custodian,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Custodian.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
