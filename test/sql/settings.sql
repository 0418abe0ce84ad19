--
-- settings: a setting that changes what a statement returns is part of every
-- key; every other one is known not to. This lists every setting of the
-- server and fails on one that is neither, as a new PostgreSQL release may
-- bring: classify it (src/fingerprint.c, or the list below).
--
-- Not in pg_settings, and all right: role and session_authorization (the
-- current role is in every key), is_superuser, seed (random() is never
-- cached).
SELECT name FROM cachebot._key_settings() name ORDER BY 1;
CREATE TEMP TABLE harmless (name text PRIMARY KEY);
-- planner and executor choices: the same rows (an unordered result may come
-- in another order, as it may uncached)
INSERT INTO harmless SELECT unnest(ARRAY['constraint_exclusion', 'cpu_index_tuple_cost', 
  'cpu_operator_cost', 'cpu_tuple_cost', 'cursor_tuple_fraction', 'default_statistics_target', 
  'effective_cache_size', 'effective_io_concurrency', 'enable_async_append', 'enable_bitmapscan', 
  'enable_gathermerge', 'enable_hashagg', 'enable_hashjoin', 'enable_incremental_sort', 
  'enable_indexonlyscan', 'enable_indexscan', 'enable_material', 'enable_memoize', 
  'enable_mergejoin', 'enable_nestloop', 'enable_parallel_append', 'enable_parallel_hash', 
  'enable_partition_pruning', 'enable_partitionwise_aggregate', 'enable_partitionwise_join', 
  'enable_seqscan', 'enable_sort', 'enable_tidscan', 'force_parallel_mode', 'from_collapse_limit', 
  'geqo', 'geqo_effort', 'geqo_generations', 'geqo_pool_size', 'geqo_seed', 'geqo_selection_bias', 
  'geqo_threshold', 'hash_mem_multiplier', 'jit', 'jit_above_cost', 'jit_debugging_support', 
  'jit_dump_bitcode', 'jit_expressions', 'jit_inline_above_cost', 'jit_optimize_above_cost', 
  'jit_profiling_support', 'jit_provider', 'jit_tuple_deforming', 'join_collapse_limit', 
  'maintenance_io_concurrency', 'max_parallel_workers', 'max_parallel_workers_per_gather', 
  'min_parallel_index_scan_size', 'min_parallel_table_scan_size', 'parallel_leader_participation', 
  'parallel_setup_cost', 'parallel_tuple_cost', 'plan_cache_mode', 'random_page_cost', 
  'recursive_worktable_factor', 'seq_page_cost', 'synchronize_seqscans', 'work_mem', 
  'temp_buffers']);
-- checked when the statement runs, cached or not: transaction state, the
-- query ID (off: nothing cached), standby state
INSERT INTO harmless SELECT unnest(ARRAY['compute_query_id', 'default_transaction_deferrable', 
  'default_transaction_isolation', 'default_transaction_read_only', 'transaction_deferrable', 
  'transaction_isolation', 'transaction_read_only', 'in_hot_standby', 'hot_standby']);
-- errors and limits only: a hit does not fail where the statement would not
INSERT INTO harmless SELECT unnest(ARRAY['deadlock_timeout', 'idle_in_transaction_session_timeout', 
  'idle_session_timeout', 'lock_timeout', 'max_stack_depth', 'old_snapshot_threshold', 
  'statement_timeout', 'temp_file_limit', 'exit_on_error', 'client_connection_check_interval']);
-- output and messages: applied when the cached tuples are sent, or not about
-- results at all
INSERT INTO harmless SELECT unnest(ARRAY['client_encoding', 'client_min_messages', 
  'escape_string_warning', 'lc_messages', 'application_name', 'trace_notify', 'trace_sort', 
  'trace_recovery_messages', 'debug_pretty_print', 'debug_print_parse', 'debug_print_plan', 
  'debug_print_rewritten', 'debug_assertions', 'debug_discard_caches', 'backtrace_functions']);
-- fixed for the database or the server (the database is in every key)
INSERT INTO harmless SELECT unnest(ARRAY['lc_collate', 'lc_ctype', 'server_encoding', 
  'server_version', 'server_version_num', 'integer_datetimes', 'block_size', 'segment_size', 
  'wal_block_size', 'wal_segment_size', 'max_function_args', 'max_identifier_length', 
  'max_index_keys', 'data_checksums', 'data_directory_mode', 'shared_memory_size', 
  'shared_memory_size_in_huge_pages', 'ssl_library']);
-- what writes and DDL do: the statements cached read only
INSERT INTO harmless SELECT unnest(ARRAY['check_function_bodies', 'default_table_access_method', 
  'default_tablespace', 'temp_tablespaces', 'default_toast_compression', 
  'session_replication_role', 'allow_system_table_mods', 'allow_in_place_tablespaces', 
  'gin_pending_list_limit', 'synchronous_commit', 'commit_delay', 'commit_siblings']);
-- reached only through functions that are not IMMUTABLE (never cached) or
-- tables with row level security (never cached)
INSERT INTO harmless SELECT unnest(ARRAY['lo_compat_privileges', 'row_security', 
  'stats_fetch_consistency']);
-- loading libraries (superuser settings; a library's functions are not
-- redefined by them)
INSERT INTO harmless SELECT unnest(ARRAY['dynamic_library_path', 'extension_destdir', 
  'local_preload_libraries', 'session_preload_libraries', 'shared_preload_libraries']);
-- server operation: connections, authentication, logging, statistics,
-- vacuum, WAL, replication, recovery, resources
INSERT INTO harmless SELECT unnest(ARRAY['archive_cleanup_command', 'archive_command', 
  'archive_library', 'archive_mode', 'archive_timeout', 'authentication_timeout', 'autovacuum', 
  'autovacuum_analyze_scale_factor', 'autovacuum_analyze_threshold', 'autovacuum_freeze_max_age', 
  'autovacuum_max_workers', 'autovacuum_multixact_freeze_max_age', 'autovacuum_naptime', 
  'autovacuum_vacuum_cost_delay', 'autovacuum_vacuum_cost_limit', 
  'autovacuum_vacuum_insert_scale_factor', 'autovacuum_vacuum_insert_threshold', 
  'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_threshold', 'autovacuum_work_mem', 
  'backend_flush_after', 'bgwriter_delay', 'bgwriter_flush_after', 'bgwriter_lru_maxpages', 
  'bgwriter_lru_multiplier', 'bonjour', 'bonjour_name', 'checkpoint_completion_target', 
  'checkpoint_flush_after', 'checkpoint_timeout', 'checkpoint_warning', 'cluster_name', 
  'config_file', 'data_directory', 'data_sync_retry', 'db_user_namespace', 
  'dynamic_shared_memory_type', 'event_source', 'external_pid_file', 'fsync', 'full_page_writes', 
  'hba_file', 'hot_standby_feedback', 'huge_page_size', 'huge_pages', 'ident_file', 
  'ignore_checksum_failure', 'ignore_invalid_pages', 'ignore_system_indexes', 'krb_caseins_users', 
  'krb_server_keyfile', 'listen_addresses', 'log_autovacuum_min_duration', 'log_checkpoints', 
  'log_connections', 'log_destination', 'log_directory', 'log_disconnections', 'log_duration', 
  'log_error_verbosity', 'log_executor_stats', 'log_file_mode', 'log_filename', 'log_hostname', 
  'log_line_prefix', 'log_lock_waits', 'log_min_duration_sample', 'log_min_duration_statement', 
  'log_min_error_statement', 'log_min_messages', 'log_parameter_max_length', 
  'log_parameter_max_length_on_error', 'log_parser_stats', 'log_planner_stats', 
  'log_recovery_conflict_waits', 'log_replication_commands', 'log_rotation_age', 
  'log_rotation_size', 'log_startup_progress_interval', 'log_statement', 
  'log_statement_sample_rate', 'log_statement_stats', 'log_temp_files', 'log_timezone', 
  'log_transaction_sample_rate', 'log_truncate_on_rotation', 'logging_collector', 
  'logical_decoding_work_mem', 'maintenance_work_mem', 'max_connections', 'max_files_per_process', 
  'max_locks_per_transaction', 'max_logical_replication_workers', 
  'max_parallel_maintenance_workers', 'max_pred_locks_per_page', 'max_pred_locks_per_relation', 
  'max_pred_locks_per_transaction', 'max_prepared_transactions', 'max_replication_slots', 
  'max_slot_wal_keep_size', 'max_standby_archive_delay', 'max_standby_streaming_delay', 
  'max_sync_workers_per_subscription', 'max_wal_senders', 'max_wal_size', 'max_worker_processes', 
  'min_dynamic_shared_memory', 'min_wal_size', 'output_plugin_libraries', 'password_encryption', 
  'port', 'post_auth_delay', 'pre_auth_delay', 'primary_conninfo', 'primary_slot_name', 
  'promote_trigger_file', 'recovery_end_command', 'recovery_init_sync_method', 
  'recovery_min_apply_delay', 'recovery_prefetch', 'recovery_target', 'recovery_target_action', 
  'recovery_target_inclusive', 'recovery_target_lsn', 'recovery_target_name', 
  'recovery_target_time', 'recovery_target_timeline', 'recovery_target_xid', 
  'remove_temp_files_after_crash', 'restart_after_crash', 'restore_command', 'shared_buffers', 
  'shared_memory_type', 'ssl', 'ssl_ca_file', 'ssl_cert_file', 'ssl_ciphers', 'ssl_crl_dir', 
  'ssl_crl_file', 'ssl_dh_params_file', 'ssl_ecdh_curve', 'ssl_key_file', 
  'ssl_max_protocol_version', 'ssl_min_protocol_version', 'ssl_passphrase_command', 
  'ssl_passphrase_command_supports_reload', 'ssl_prefer_server_ciphers', 
  'superuser_reserved_connections', 'synchronous_standby_names', 'syslog_facility', 'syslog_ident', 
  'syslog_sequence_numbers', 'syslog_split_messages', 'tcp_keepalives_count', 
  'tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_user_timeout', 'track_activities', 
  'track_activity_query_size', 'track_commit_timestamp', 'track_counts', 'track_functions', 
  'track_io_timing', 'track_wal_io_timing', 'unix_socket_directories', 'unix_socket_group', 
  'unix_socket_permissions', 'update_process_title', 'vacuum_cost_delay', 'vacuum_cost_limit', 
  'vacuum_cost_page_dirty', 'vacuum_cost_page_hit', 'vacuum_cost_page_miss', 
  'vacuum_defer_cleanup_age', 'vacuum_failsafe_age', 'vacuum_freeze_min_age', 
  'vacuum_freeze_table_age', 'vacuum_multixact_failsafe_age', 'vacuum_multixact_freeze_min_age', 
  'vacuum_multixact_freeze_table_age', 'wal_buffers', 'wal_compression', 
  'wal_consistency_checking', 'wal_decode_buffer_size', 'wal_init_zero', 'wal_keep_size', 
  'wal_level', 'wal_log_hints', 'wal_receiver_create_temp_slot', 'wal_receiver_status_interval', 
  'wal_receiver_timeout', 'wal_recycle', 'wal_retrieve_retry_interval', 'wal_sender_timeout', 
  'wal_skip_threshold', 'wal_sync_method', 'wal_writer_delay', 'wal_writer_flush_after', 
  'zero_damaged_pages']);
-- every setting is classified...
SELECT name AS unclassified FROM pg_settings
 WHERE name NOT LIKE '%.%'
   AND name NOT IN (SELECT cachebot._key_settings())
   AND name NOT IN (SELECT name FROM harmless)
 ORDER BY 1;
-- ... once
SELECT name AS both FROM harmless WHERE name IN (SELECT cachebot._key_settings());

-- what the key holds changes what is served: the same text under
-- gin_fuzzy_search_limit returns fewer rows, and is another entry
CREATE TABLE set_docs (id int PRIMARY KEY, tags text[]);
INSERT INTO set_docs SELECT g, ARRAY['common', 'tag' || (g % 10)] FROM generate_series(1, 20000) g;
CREATE INDEX ON set_docs USING gin (tags);
SELECT cachebot.track('set_docs');
SET enable_seqscan = off;
SELECT cachebot.reset_stats();
SELECT /* cache */ count(*) FROM set_docs WHERE tags @> '{common}';
SELECT /* cache */ count(*) FROM set_docs WHERE tags @> '{common}';
SET gin_fuzzy_search_limit = 100;
SELECT /* cache */ count(*) FROM set_docs WHERE tags @> '{common}' \gset fuzzy_
SELECT :fuzzy_count < 20000 AS fewer;
RESET gin_fuzzy_search_limit;
SELECT /* cache */ count(*) FROM set_docs WHERE tags @> '{common}';
SELECT hits, misses, fills FROM cachebot.stats;
-- DateStyle changes how a literal is read
SET DateStyle = 'ISO, DMY';
SELECT /* cache */ '01/02/2024'::date AS d;
SET DateStyle = 'ISO, MDY';
SELECT /* cache */ '01/02/2024'::date AS d;
RESET DateStyle;
-- timezone_abbreviations too (read through its setting's record, found once)
SET TimeZone = 'UTC';
SET timezone_abbreviations = 'Default';
SELECT /* cache */ '2024-01-01 12:00 IST'::timestamptz AS t;
SET timezone_abbreviations = 'India';
SELECT cachebot.reset_stats();
SELECT /* cache */ '2024-01-01 12:00 IST'::timestamptz AS t;
SELECT /* cache */ '2024-01-01 12:00 IST'::timestamptz AS t;
SELECT hits, misses, fills FROM cachebot.stats;
-- set for a transaction that rolls back: the key follows it back
BEGIN;
SET LOCAL timezone_abbreviations = 'Default';
SELECT /* cache */ '2024-01-01 12:00 IST'::timestamptz AS t;
ROLLBACK;
SELECT /* cache */ '2024-01-01 12:00 IST'::timestamptz AS t;
SELECT hits, misses, fills FROM cachebot.stats;
RESET timezone_abbreviations;
RESET TimeZone;
-- composite_type_mismatch, an enum read the same way, where this minor
-- version has it (the check says true either way)
SELECT cachebot.reset_stats();
SELECT /* cache */ 'composite' AS c;
SELECT count(*) >= 0 AS set FROM (SELECT set_config(name, 'warn', false)
  FROM pg_settings WHERE name = 'composite_type_mismatch') s;
SELECT /* cache */ 'composite' AS c;
SELECT misses = CASE WHEN EXISTS (SELECT FROM pg_settings WHERE name = 'composite_type_mismatch')
                     THEN 2 ELSE 1 END AS keyed
  FROM cachebot.stats;
SELECT count(*) >= 0 AS reset FROM (SELECT set_config(name, reset_val, false)
  FROM pg_settings WHERE name = 'composite_type_mismatch') s;
RESET enable_seqscan;
DROP TABLE set_docs;
