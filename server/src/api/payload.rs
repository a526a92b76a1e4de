//! Mutation results as Relay names them, `<MutationName>Payload`: the record the mutation
//! wrote; the record whose lists the change touched (a child, a family, an action plan), read
//! lazily through that type's own `find`, so under its rules and access log; and `query`, the
//! query root, so that a client reads again whatever else it shows in the same round trip.

/// `payload! { /// doc  NamePayload { field: Type, parent: ParentType = |record| parent_id } }`
/// declares the payload, its `new(record)` and its GraphQL type; none, one or more parents.
macro_rules! payload {
    (
        $(#[doc = $doc:literal])*
        $payload:ident { $field:ident: $object:ty $(, $parent:ident: $parent_ty:ident = $parent_of:expr)* $(,)? }
    ) => {
        $(#[doc = $doc])*
        pub struct $payload {
            $field: $object,
            $($parent: uuid::Uuid,)*
        }

        impl $payload {
            pub fn new($field: $object) -> Self {
                $(let $parent: fn(&$object) -> uuid::Uuid = $parent_of;)*
                Self { $($parent: $parent(&$field),)* $field }
            }
        }

        $(#[doc = $doc])*
        #[async_graphql::Object]
        impl $payload {
            /// What the mutation wrote, as it now stands.
            async fn $field(&self) -> &$object {
                &self.$field
            }

            $(
            /// A record whose lists the change touched, read under its own rules: null with an
            /// error when the viewer may not read it, null alone when there is none.
            async fn $parent(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<Option<$parent_ty>> {
                $crate::api::ids::found($parent_ty::find(ctx, self.$parent).await)
            }
            )*

            /// The query root, to read again in the same round trip what the change touched.
            async fn query(&self) -> $crate::api::Query {
                $crate::api::Query::default()
            }
        }
    };
}
pub(crate) use payload;
