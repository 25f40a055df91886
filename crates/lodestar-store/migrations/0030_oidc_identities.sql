-- Sign-in through an OpenID provider. A row links the provider's identity (its issuer and
-- the subject it names the person by, unique together) to one account; it is made only
-- when the provider vouched for the account's e-mail (`email_verified`) or with the
-- account it made. email: what the provider said at the last sign-in, for the account
-- page; it links nothing after the first time.
CREATE TABLE oidc_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_sign_in_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_by_person ON oidc_identities (person_id);
