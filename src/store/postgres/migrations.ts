/**
 * PostgreSQL schema, one entry per migration; the same tables as SQLite. Key columns use the "C"
 * collation so ordering is binary, exactly as in SQLite.
 */
import { postgresGuardedUnfileTriggerSql, postgresNameWordsSchemaSql } from '../queries/name-words.js';
import { postgresTrigramRepeatsSql } from '../queries/trigram-repeats.js';

export const postgresMigrations: string[] = [
  `
  CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL,
    created_at TEXT NOT NULL, retired_at TEXT
  );

  CREATE TABLE customers (
    partner_id TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL PRIMARY KEY, commerce_id TEXT NOT NULL,
    domain TEXT COLLATE "C" NOT NULL UNIQUE, company_name TEXT NOT NULL, company_name_key TEXT COLLATE "C" NOT NULL,
    custom_domains TEXT NOT NULL, billing_profile TEXT NOT NULL, created_at TEXT NOT NULL
  );
  CREATE INDEX customers_by_name ON customers (partner_id, company_name_key, id);
  CREATE INDEX customers_by_domain ON customers (partner_id, domain, id);

  CREATE TABLE users (
    customer_id TEXT COLLATE "C" NOT NULL REFERENCES customers (id), id TEXT COLLATE "C" NOT NULL,
    upn TEXT NOT NULL, upn_key TEXT COLLATE "C" NOT NULL, display_name TEXT NOT NULL, display_name_key TEXT COLLATE "C" NOT NULL,
    first_name TEXT, last_name TEXT, usage_location TEXT, immutable_id TEXT, phone_number TEXT,
    user_domain_type TEXT NOT NULL, state TEXT COLLATE "C" NOT NULL, soft_deletion_time TEXT, last_directory_sync_time TEXT,
    force_change_password BOOLEAN NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    item_json TEXT NOT NULL, password_hash TEXT NOT NULL,
    PRIMARY KEY (customer_id, id)
  );
  CREATE INDEX users_by_display_name ON users (customer_id, state, display_name_key, id);
  CREATE INDEX users_by_upn ON users (customer_id, state, upn_key, id);
  CREATE UNIQUE INDEX users_active_upn ON users (customer_id, upn_key) WHERE state = 'active';
  CREATE INDEX users_deleted ON users (soft_deletion_time) WHERE state = 'inactive';

  CREATE TABLE idempotency (
    partner_id TEXT NOT NULL, request_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, request_id, fingerprint)
  );
  CREATE INDEX idempotency_by_age ON idempotency (created_at);
  `,
  // Crash-safe idempotency (issue 7): each attempt's claim carries its own owner id.
  `
  ALTER TABLE idempotency ADD COLUMN owner TEXT;
  `,
  // Throttling (issue 7): fixed-window request counters per partner ('' customer) and per (partner, customer).
  `
  CREATE TABLE rate_limit_counters (
    partner_id TEXT COLLATE "C" NOT NULL, customer_id TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL,
    window_start BIGINT NOT NULL, hits INTEGER NOT NULL,
    PRIMARY KEY (partner_id, customer_id, kind, window_start)
  );
  CREATE INDEX rate_limit_counters_by_window ON rate_limit_counters (window_start);
  `,
  // Audit log (issue 7): one row per write, keyed by partner and time for keyset paging.
  `
  CREATE TABLE audit_records (
    partner_id TEXT COLLATE "C" NOT NULL, operation_date TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C", customer_name TEXT, subject TEXT NOT NULL, app_only BOOLEAN NOT NULL,
    resource_type TEXT COLLATE "C" NOT NULL, resource_id TEXT, operation_type TEXT NOT NULL,
    operation_status TEXT NOT NULL, http_status INTEGER NOT NULL, fault_code INTEGER,
    correlation_id TEXT, request_id TEXT, customized_data TEXT NOT NULL,
    PRIMARY KEY (partner_id, operation_date, id)
  );
  CREATE INDEX audit_records_by_customer ON audit_records (partner_id, customer_id, operation_date, id);
  CREATE INDEX audit_records_by_resource ON audit_records (partner_id, resource_type, operation_date, id);
  CREATE INDEX audit_records_by_age ON audit_records (operation_date);
  `,
  // Web UI sign-in: partner user accounts (user names are unique across partners, like e-mail addresses).
  `
  CREATE TABLE partner_accounts (
    partner_id TEXT COLLATE "C" NOT NULL, user_name_key TEXT COLLATE "C" NOT NULL, user_name TEXT NOT NULL,
    roles TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, user_name_key)
  );
  CREATE UNIQUE INDEX partner_accounts_by_name ON partner_accounts (user_name_key);
  `,
  // Licences and directory roles (issue 5). user_licenses.active = 0 marks a licence of a deleted
  // user: its seat is released, and a restore takes it back while seats remain.
  `
  CREATE TABLE subscribed_skus (
    customer_id TEXT COLLATE "C" NOT NULL REFERENCES customers (id), sku_id TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL, sku_part_number TEXT NOT NULL, target_type TEXT NOT NULL, license_group_id TEXT NOT NULL,
    service_plans TEXT NOT NULL, total_units INTEGER NOT NULL, consumed_units INTEGER NOT NULL,
    warning_units INTEGER NOT NULL, suspended_units INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, sku_id),
    CHECK (consumed_units >= 0 AND consumed_units <= total_units)
  );

  CREATE TABLE user_licenses (
    customer_id TEXT COLLATE "C" NOT NULL, user_id TEXT COLLATE "C" NOT NULL, sku_id TEXT COLLATE "C" NOT NULL,
    excluded_plans TEXT NOT NULL, active INTEGER NOT NULL, assigned_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, user_id, sku_id),
    FOREIGN KEY (customer_id, user_id) REFERENCES users (customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (customer_id, sku_id) REFERENCES subscribed_skus (customer_id, sku_id)
  );
  CREATE INDEX user_licenses_by_sku ON user_licenses (customer_id, sku_id);

  CREATE TABLE directory_role_members (
    customer_id TEXT COLLATE "C" NOT NULL, role_id TEXT COLLATE "C" NOT NULL, user_id TEXT COLLATE "C" NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (customer_id, role_id, user_id),
    FOREIGN KEY (customer_id, user_id) REFERENCES users (customer_id, id) ON DELETE CASCADE
  );
  CREATE INDEX directory_role_members_by_user ON directory_role_members (customer_id, user_id, role_id);
  `,
  // Substring search (issue 14): pg_trgm GIN indexes over the lower-cased display-name and UPN
  // keys answer LIKE '%…%'. The extension is database-wide: it goes into the public schema (a
  // store schema may be dropped with CASCADE, which would take the extension and every other
  // schema's indexes with it), and the operator class is named with the schema the extension is
  // in. The indexes are built from the existing users here.
  `
  DO $migration$
  DECLARE
    trgm_schema text;
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
          CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
        ELSE
          CREATE EXTENSION IF NOT EXISTS pg_trgm;
        END IF;
      EXCEPTION
        WHEN undefined_file OR feature_not_supported THEN
          RAISE EXCEPTION 'Tenantry needs the PostgreSQL extension pg_trgm for user search, and this server does not have it installed (%)', SQLERRM
            USING HINT = 'On Debian or Ubuntu install the package postgresql-contrib (PostgreSQL 10 and later ship pg_trgm in the postgresql package itself; contrib elsewhere), then start Tenantry again.';
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'Tenantry needs the PostgreSQL extension pg_trgm for user search, and its database role may not create it (%)', SQLERRM
            USING HINT = 'Run CREATE EXTENSION pg_trgm; once as a superuser or the database owner (the extension comes with the Debian packages postgresql / postgresql-contrib), then start Tenantry again.';
      END;
    END IF;
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX users_display_name_trgm ON users USING gin (display_name_key %I.gin_trgm_ops)', trgm_schema);
    EXECUTE format('CREATE INDEX users_upn_trgm ON users USING gin (upn_key %I.gin_trgm_ops)', trgm_schema);
  END
  $migration$;
  `,
  // Emulator (issue 11): one row per workspace; its clock and id counter live here so every
  // process of a cluster reads the same time.
  `
  CREATE TABLE workspaces (
    id TEXT COLLATE "C" NOT NULL PRIMARY KEY, name TEXT NOT NULL, seed TEXT, fixture TEXT,
    clock_offset_ms BIGINT NOT NULL, frozen_at TEXT, id_counter BIGINT NOT NULL, generation BIGINT NOT NULL,
    settings TEXT NOT NULL, created_at TEXT NOT NULL
  );
  `,
  // Emulator fault rules (issue 12): per workspace (partner), with counters every process shares.
  `
  CREATE TABLE emulator_fault_rules (
    partner_id TEXT COLLATE "C" NOT NULL, id TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, rule_json TEXT NOT NULL,
    times INTEGER, matched INTEGER NOT NULL DEFAULT 0, fired INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (partner_id, id)
  );
  `,
  // Emulator consistency lag (issue 12): writes of a lagged workspace not yet visible to reads,
  // shared by every process so that all workers answer alike.
  `
  CREATE TABLE emulator_pending_changes (
    partner_id TEXT COLLATE "C" NOT NULL, customer_id TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, entity_id TEXT COLLATE "C" NOT NULL,
    previous_json TEXT, visible_at TEXT, reads_left INTEGER,
    PRIMARY KEY (partner_id, customer_id, kind, entity_id)
  );
  `,
  // Emulator request journal (issue 12): a ring of entries per workspace, newest by seq.
  `
  CREATE TABLE emulator_journal (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, partner_id TEXT COLLATE "C" NOT NULL, time TEXT COLLATE "C" NOT NULL,
    method TEXT NOT NULL, path TEXT NOT NULL, operation TEXT COLLATE "C", request_id TEXT COLLATE "C", correlation_id TEXT COLLATE "C",
    status INTEGER NOT NULL, checks TEXT NOT NULL DEFAULT '', entry_json TEXT NOT NULL, response_body BYTEA
  );
  CREATE INDEX emulator_journal_by_partner ON emulator_journal (partner_id, seq);
  `,
  // Emulator snapshots (issue 11): a workspace's rows as JSONB (to_jsonb of each row), beside the
  // workspace state (clock, id counter, settings) the snapshot restores.
  `
  CREATE TABLE emulator_snapshots (
    partner_id TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL, created_at TEXT NOT NULL, clock_offset_ms BIGINT NOT NULL,
    frozen_at TEXT, id_counter BIGINT NOT NULL, settings TEXT NOT NULL, row_count INTEGER NOT NULL,
    PRIMARY KEY (partner_id, name)
  );
  CREATE TABLE emulator_snapshot_rows (partner_id TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL, table_name TEXT NOT NULL, row_json JSONB NOT NULL);
  CREATE INDEX emulator_snapshot_rows_by_snapshot ON emulator_snapshot_rows (partner_id, name, table_name);
  `,
  // Idempotency leases on real time: a claim's lease (epoch ms) is apart from its created_at,
  // which is on the data's clock (a workspace's, in the emulator) for the 24 h retention. A
  // frozen or moved workspace clock no longer pins a dead attempt's claim or frees a live one's.
  `
  ALTER TABLE idempotency ADD COLUMN lease_at BIGINT NOT NULL DEFAULT 0;
  `,
  // The journal ring keeps a count of each workspace's entries, so trimming it deletes the oldest
  // few by count instead of finding the newest N-th entry first: that walk (OFFSET 10,000) read
  // every dead entry of the churning table until a vacuum, and the planner chose a bitmap scan and
  // a sort for it; with autovacuum off it took ~370 ms a batch, so the journal fell behind. The
  // trim starts after the last entry it deleted (trimmed_through), past the dead ones.
  `
  CREATE TABLE emulator_journal_sizes (partner_id TEXT COLLATE "C" PRIMARY KEY, entries BIGINT NOT NULL, trimmed_through BIGINT NOT NULL DEFAULT 0);
  INSERT INTO emulator_journal_sizes (partner_id, entries) SELECT partner_id, count(*) FROM emulator_journal GROUP BY partner_id;
  `,
  // Substring search (issue 14): the UPN's trigram index holds each UPN up to its '@' only. Every
  // user of a customer shares one or a few domains, whose ~30 trigrams were over half of that
  // index (its build at 1 M users: 9.6 s, now 4.4 s) and told no user apart. A search finds the
  // domains in a B-tree of their own (one seek per distinct domain), see planUpnContains. A load
  // that died before building its indexes again left their definitions pending: they are built
  // here, as they are now, and the pending list is cleared.
  `
  DO $migration$
  DECLARE
    trgm_schema text;
  BEGIN
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    DROP INDEX IF EXISTS users_upn_trgm;
    EXECUTE format('CREATE INDEX IF NOT EXISTS users_display_name_trgm ON users USING gin (display_name_key %I.gin_trgm_ops)', trgm_schema);
    EXECUTE format('CREATE INDEX users_upn_local_trgm ON users USING gin ((substr(upn_key, 1, strpos(upn_key, ''@''))) %I.gin_trgm_ops)', trgm_schema);
  END
  $migration$;
  CREATE INDEX users_by_upn_domain ON users (customer_id, (substr(upn_key, strpos(upn_key, '@') + 1)));
  DELETE FROM settings WHERE name = 'pending_index_builds';
  -- Statistics of the new index's expression: without them the planner guesses how many users a
  -- text matches, and read 38,000 rows for a common one instead of walking the sort order.
  ANALYZE users;
  `,
  // Substring search (issue 14): the words of each display name, ordered by the display-name key,
  // so a contains search for a common word reads its matches in page order (see name-words.ts).
  // Existing users are filed here; the vocabulary gets its trigram index.
  `
  ${postgresNameWordsSchemaSql}
  DO $migration$
  DECLARE
    trgm_schema text;
  BEGIN
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX name_words_trgm ON name_words USING gin (word %I.gin_trgm_ops)', trgm_schema);
  END
  $migration$;
  ANALYZE user_name_words;
  ANALYZE name_words;
  `,
  // A snapshot's restore and a workspace's wipe remove (and a restore puts back) all of a
  // workspace's users; they keep their name words themselves, set-based, so the delete trigger
  // gets the insert trigger's guard.
  postgresGuardedUnfileTriggerSql,
  // Substring search (issue 14): the trigrams each user's keys repeat, counted, so that a text
  // such as "99999" (one distinct trigram) is not answered by rechecking every "999" user.
  postgresTrigramRepeatsSql,
];
