-- Secrets every process of one installation shares, made once by whichever process needs them first: the salt the
-- prediction log hashes personal fields with (serving replicas on one database must hash alike, so joins by a hashed
-- value work across them). Values are hex.
CREATE TABLE installation_secrets (
  name  VARCHAR(64)  NOT NULL PRIMARY KEY,
  value VARCHAR(256) NOT NULL
);
