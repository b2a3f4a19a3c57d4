connhost_add_test(contacts_governance_tests
  SOURCES governance_test.cpp
  LIBS connhost_contacts connhost_inbox connhost_server connhost_beast connhost_login
    connhost_pipeline connhost_sandbox connhost_store connhost_config connhost_http
    connhost_metrics Boost::url OpenSSL::Crypto)
add_dependencies(contacts_governance_tests connhost_tiktok connhost_meta connhost_google)

# The same cases on PostgreSQL (the database files are searched on SQLite only).
connhost_add_test(contacts_governance_postgres_tests
  SOURCES governance_test.cpp
  LIBS connhost_contacts connhost_inbox connhost_server connhost_beast connhost_login
    connhost_pipeline connhost_store connhost_config connhost_http connhost_metrics
    connhost_test_support Boost::url OpenSSL::Crypto
  PROPERTIES
    FIXTURES_REQUIRED postgres
    ENVIRONMENT CONNHOST_TEST_PG_CONNINFO_FILE=${CONNHOST_TEST_PG_CONNINFO_FILE})
target_compile_definitions(contacts_governance_postgres_tests PRIVATE CONNHOST_GOVERNANCE_POSTGRES)
