// Operations of a small caseload frontend, as its developers write them.
import { graphql } from "./gql";

export const Viewer = graphql(`
  query Viewer {
    viewer { subject roles organisation { name } }
  }
`);

export const Caseload = graphql(`
  query Caseload($first: Int!) {
    families(first: $first) {
      totalCount
      edges { node { id children { age person { givenName familyName } } } }
    }
  }
`);
