"""An AWS Partner Central (ACE)–compatible door to registrations: partners' boto3
`partnercentral-selling` tooling files opportunities with Alliance unchanged (docs/ace.md)."""
