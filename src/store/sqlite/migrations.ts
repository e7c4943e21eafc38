/**
 * SQLite schema, one entry per migration. Every table is keyed by customer (or partner) first so
 * the data can later be sharded by customer. Key columns use binary order, the same order as
 * PostgreSQL's "C" collation, so both stores page identically.
 */
import { sqliteFillNameWordsSql, sqliteNameWordsSchemaSql } from '../queries/name-words.js';

export const sqliteMigrations: string[] = [
  `
  CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL,
    created_at TEXT NOT NULL, retired_at TEXT
  );

  CREATE TABLE customers (
    partner_id TEXT NOT NULL, id TEXT NOT NULL PRIMARY KEY, commerce_id TEXT NOT NULL,
    domain TEXT NOT NULL UNIQUE, company_name TEXT NOT NULL, company_name_key TEXT NOT NULL,
    custom_domains TEXT NOT NULL, billing_profile TEXT NOT NULL, created_at TEXT NOT NULL
  );
  CREATE INDEX customers_by_name ON customers (partner_id, company_name_key, id);
  CREATE INDEX customers_by_domain ON customers (partner_id, domain, id);

  -- WITHOUT ROWID clusters each customer's users together in primary-key order.
  CREATE TABLE users (
    customer_id TEXT NOT NULL REFERENCES customers (id), id TEXT NOT NULL,
    upn TEXT NOT NULL, upn_key TEXT NOT NULL, display_name TEXT NOT NULL, display_name_key TEXT NOT NULL,
    first_name TEXT, last_name TEXT, usage_location TEXT, immutable_id TEXT, phone_number TEXT,
    user_domain_type TEXT NOT NULL, state TEXT NOT NULL, soft_deletion_time TEXT, last_directory_sync_time TEXT,
    force_change_password INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    item_json TEXT NOT NULL, password_hash TEXT NOT NULL,
    PRIMARY KEY (customer_id, id)
  ) WITHOUT ROWID;
  CREATE INDEX users_by_display_name ON users (customer_id, state, display_name_key, id);
  CREATE INDEX users_by_upn ON users (customer_id, state, upn_key, id);
  -- A name is unique among active users only: a deleted user's name may be reused (restore then conflicts).
  CREATE UNIQUE INDEX users_active_upn ON users (customer_id, upn_key) WHERE state = 'active';
  CREATE INDEX users_deleted ON users (soft_deletion_time) WHERE state = 'inactive';

  CREATE TABLE idempotency (
    partner_id TEXT NOT NULL, request_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, request_id, fingerprint)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_by_age ON idempotency (created_at);
  `,
  // Crash-safe idempotency (issue 7): each attempt's claim carries its own owner id.
  `
  ALTER TABLE idempotency ADD COLUMN owner TEXT;
  `,
  // Throttling (issue 7): fixed-window request counters per partner ('' customer) and per (partner, customer).
  `
  CREATE TABLE rate_limit_counters (
    partner_id TEXT NOT NULL, customer_id TEXT NOT NULL, kind TEXT NOT NULL, window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (partner_id, customer_id, kind, window_start)
  ) WITHOUT ROWID;
  CREATE INDEX rate_limit_counters_by_window ON rate_limit_counters (window_start);
  `,
  // Audit log (issue 7): one row per write, keyed by partner and time for keyset paging.
  `
  CREATE TABLE audit_records (
    partner_id TEXT NOT NULL, operation_date TEXT NOT NULL, id TEXT NOT NULL,
    customer_id TEXT, customer_name TEXT, subject TEXT NOT NULL, app_only INTEGER NOT NULL,
    resource_type TEXT NOT NULL, resource_id TEXT, operation_type TEXT NOT NULL,
    operation_status TEXT NOT NULL, http_status INTEGER NOT NULL, fault_code INTEGER,
    correlation_id TEXT, request_id TEXT, customized_data TEXT NOT NULL,
    PRIMARY KEY (partner_id, operation_date, id)
  ) WITHOUT ROWID;
  CREATE INDEX audit_records_by_customer ON audit_records (partner_id, customer_id, operation_date, id);
  CREATE INDEX audit_records_by_resource ON audit_records (partner_id, resource_type, operation_date, id);
  CREATE INDEX audit_records_by_age ON audit_records (operation_date);
  `,
  // Web UI sign-in: partner user accounts (user names are unique across partners, like e-mail addresses).
  `
  CREATE TABLE partner_accounts (
    partner_id TEXT NOT NULL, user_name_key TEXT NOT NULL, user_name TEXT NOT NULL,
    roles TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, user_name_key)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX partner_accounts_by_name ON partner_accounts (user_name_key);
  `,
  // Licences and directory roles (issue 5). user_licenses.active = 0 marks a licence of a deleted
  // user: its seat is released, and a restore takes it back while seats remain.
  `
  CREATE TABLE subscribed_skus (
    customer_id TEXT NOT NULL REFERENCES customers (id), sku_id TEXT NOT NULL,
    name TEXT NOT NULL, sku_part_number TEXT NOT NULL, target_type TEXT NOT NULL, license_group_id TEXT NOT NULL,
    service_plans TEXT NOT NULL, total_units INTEGER NOT NULL, consumed_units INTEGER NOT NULL,
    warning_units INTEGER NOT NULL, suspended_units INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, sku_id),
    CHECK (consumed_units >= 0 AND consumed_units <= total_units)
  ) WITHOUT ROWID;

  CREATE TABLE user_licenses (
    customer_id TEXT NOT NULL, user_id TEXT NOT NULL, sku_id TEXT NOT NULL,
    excluded_plans TEXT NOT NULL, active INTEGER NOT NULL, assigned_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, user_id, sku_id),
    FOREIGN KEY (customer_id, user_id) REFERENCES users (customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (customer_id, sku_id) REFERENCES subscribed_skus (customer_id, sku_id)
  ) WITHOUT ROWID;
  CREATE INDEX user_licenses_by_sku ON user_licenses (customer_id, sku_id);

  CREATE TABLE directory_role_members (
    customer_id TEXT NOT NULL, role_id TEXT NOT NULL, user_id TEXT NOT NULL, added_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, role_id, user_id),
    FOREIGN KEY (customer_id, user_id) REFERENCES users (customer_id, id) ON DELETE CASCADE
  ) WITHOUT ROWID;
  CREATE INDEX directory_role_members_by_user ON directory_role_members (customer_id, user_id, role_id);
  `,
  // Users list speed (issue 6): the default order (display name) becomes one range scan of an
  // index that carries each user's wire JSON, instead of 100 look-ups into the table per page
  // (~4x faster per page at a million users). The old index is a prefix of the new one.
  `
  CREATE INDEX users_page_by_display_name ON users (customer_id, state, display_name_key, id, item_json);
  DROP INDEX users_by_display_name;
  `,
  // Substring search (issue 14): a trigram index over each user's display-name and UPN keys
  // (already lower-cased), so "contains" is answered from the index instead of a scan of the
  // customer. users is WITHOUT ROWID, so each user gets an integer search_rowid, the FTS row's
  // rowid; the FTS table keeps no text (contentless) but keeps the user's customer and id, which a
  // match needs to find the user. Triggers keep it in step with every insert, rename and purge;
  // the store hands out search_rowid. Existing users are indexed here, in display-name order.
  `
  ALTER TABLE users ADD COLUMN search_rowid INTEGER;
  CREATE VIRTUAL TABLE user_search USING fts5(
    search_customer UNINDEXED, search_user UNINDEXED, display_name_text, upn_text,
    content='', contentless_delete=1, contentless_unindexed=1, detail=full,
    tokenize='trigram case_sensitive 1'
  );
  -- FTS5 writes its pending terms out as a new segment every 1 MB by default, and merges
  -- segments as they pile up; 64 MB (used only by large transactions, flushed at commit) makes a
  -- bulk load's index ~40 % cheaper.
  INSERT INTO user_search (user_search, rank) VALUES ('hashsize', 67108864);
  UPDATE users SET search_rowid = numbered.n
    FROM (SELECT customer_id AS c, id AS i, row_number() OVER (ORDER BY customer_id, display_name_key, id) AS n FROM users) AS numbered
    WHERE users.customer_id = numbered.c AND users.id = numbered.i;
  INSERT INTO user_search (rowid, search_customer, search_user, display_name_text, upn_text)
    SELECT search_rowid, customer_id, id, display_name_key, upn_key FROM users ORDER BY search_rowid;
  INSERT INTO user_search (user_search) VALUES ('optimize');
  CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_search (rowid, search_customer, search_user, display_name_text, upn_text)
      VALUES (new.search_rowid, new.customer_id, new.id, new.display_name_key, new.upn_key);
  END;
  CREATE TRIGGER users_search_rename AFTER UPDATE OF display_name_key, upn_key ON users
    WHEN old.display_name_key IS NOT new.display_name_key OR old.upn_key IS NOT new.upn_key BEGIN
    UPDATE user_search SET search_customer = new.customer_id, search_user = new.id,
      display_name_text = new.display_name_key, upn_text = new.upn_key
      WHERE rowid = new.search_rowid;
  END;
  CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM user_search WHERE rowid = old.search_rowid;
  END;
  `,
  // Emulator (issue 11): one row per workspace; its clock and id counter live here so every
  // process of a cluster reads the same time.
  `
  CREATE TABLE workspaces (
    id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL, seed TEXT, fixture TEXT,
    clock_offset_ms INTEGER NOT NULL, frozen_at TEXT, id_counter INTEGER NOT NULL, generation INTEGER NOT NULL,
    settings TEXT NOT NULL, created_at TEXT NOT NULL
  );
  `,
  // Emulator fault rules (issue 12): per workspace (partner), with counters every process shares.
  `
  CREATE TABLE emulator_fault_rules (
    partner_id TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, rule_json TEXT NOT NULL,
    times INTEGER, matched INTEGER NOT NULL DEFAULT 0, fired INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (partner_id, id)
  ) WITHOUT ROWID;
  `,
  // Emulator consistency lag (issue 12): writes of a lagged workspace not yet visible to reads,
  // shared by every process so that all workers answer alike.
  `
  CREATE TABLE emulator_pending_changes (
    partner_id TEXT NOT NULL, customer_id TEXT NOT NULL, kind TEXT NOT NULL, entity_id TEXT NOT NULL,
    previous_json TEXT, visible_at TEXT, reads_left INTEGER,
    PRIMARY KEY (partner_id, customer_id, kind, entity_id)
  ) WITHOUT ROWID;
  `,
  // Emulator request journal (issue 12): a ring of entries per workspace, newest by seq.
  // AUTOINCREMENT: an entry id (seq) is never handed out twice, even after the ring or a clear emptied the table.
  `
  CREATE TABLE emulator_journal (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, partner_id TEXT NOT NULL, time TEXT NOT NULL,
    method TEXT NOT NULL, path TEXT NOT NULL, operation TEXT, request_id TEXT, correlation_id TEXT,
    status INTEGER NOT NULL, checks TEXT NOT NULL DEFAULT '', entry_json TEXT NOT NULL, response_body BLOB
  );
  CREATE INDEX emulator_journal_by_partner ON emulator_journal (partner_id, seq);
  `,
  // Emulator snapshots (issue 11): the workspace state (clock, id counter, settings) a snapshot
  // restores; its rows go to shadow tables made from the live schema (sqlite-emulator-snapshots.ts).
  `
  CREATE TABLE emulator_snapshots (
    partner_id TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL, clock_offset_ms INTEGER NOT NULL,
    frozen_at TEXT, id_counter INTEGER NOT NULL, settings TEXT NOT NULL, row_count INTEGER NOT NULL,
    PRIMARY KEY (partner_id, name)
  ) WITHOUT ROWID;
  `,
  // UPN prefix search (issue 14): a page sorted by UPN, as the web UI and the CLI ask for a
  // "starts with" on the UPN, becomes one range scan of an index that carries each user's wire
  // JSON, as the display-name order is, instead of 100 look-ups into the table. The old index is
  // a prefix of the new one.
  `
  CREATE INDEX users_page_by_upn ON users (customer_id, state, upn_key, id, item_json);
  DROP INDEX users_by_upn;
  `,
  // Idempotency leases on real time: a claim's lease (epoch ms) is apart from its created_at,
  // which is on the data's clock (a workspace's, in the emulator) for the 24 h retention. A
  // frozen or moved workspace clock no longer pins a dead attempt's claim or frees a live one's.
  `
  ALTER TABLE idempotency ADD COLUMN lease_at INTEGER NOT NULL DEFAULT 0;
  `,
  // Substring search (issue 14): the trigram index holds each UPN up to its '@' only. Every user
  // of a customer shares one or a few domains, whose ~30 trigrams were over half of the index
  // (and of a bulk load's index work) and told no user apart. A search finds the domains in an
  // index of their own (one seek per distinct domain), see planUpnContains.
  `
  CREATE INDEX users_by_upn_domain ON users (customer_id, substr(upn_key, instr(upn_key, '@') + 1));
  INSERT INTO user_search (user_search) VALUES ('delete-all');
  INSERT INTO user_search (rowid, search_customer, search_user, display_name_text, upn_text)
    SELECT search_rowid, customer_id, id, display_name_key, substr(upn_key, 1, instr(upn_key, '@')) FROM users ORDER BY search_rowid;
  INSERT INTO user_search (user_search) VALUES ('optimize');
  DROP TRIGGER users_search_insert;
  CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_search (rowid, search_customer, search_user, display_name_text, upn_text)
      VALUES (new.search_rowid, new.customer_id, new.id, new.display_name_key, substr(new.upn_key, 1, instr(new.upn_key, '@')));
  END;
  DROP TRIGGER users_search_rename;
  CREATE TRIGGER users_search_rename AFTER UPDATE OF display_name_key, upn_key ON users
    WHEN old.display_name_key IS NOT new.display_name_key OR old.upn_key IS NOT new.upn_key BEGIN
    UPDATE user_search SET search_customer = new.customer_id, search_user = new.id,
      display_name_text = new.display_name_key, upn_text = substr(new.upn_key, 1, instr(new.upn_key, '@'))
      WHERE rowid = new.search_rowid;
  END;
  `,
  // Substring search (issue 14): the words of each display name, ordered by the display-name key,
  // so a contains search for a common word reads its matches in page order (see name-words.ts).
  // Existing users are filed here.
  `
  ${sqliteNameWordsSchemaSql}
  ${sqliteFillNameWordsSql};
  `,
  // Seed speed (issue 14): the UPN-domain index files a domain's users by search_rowid, which
  // loads and creates hand out in ascending order, so a new user's entry lands at its domain's
  // end. Filed by id (a random UUID) every entry landed at a random place among its domain's
  // users: of a 1 M-user seed's ~25 s, ~1.8 s went to this index, now ~0.3 s.
  `
  DROP INDEX users_by_upn_domain;
  CREATE INDEX users_by_upn_domain ON users (customer_id, substr(upn_key, instr(upn_key, '@') + 1), search_rowid);
  `,
];
