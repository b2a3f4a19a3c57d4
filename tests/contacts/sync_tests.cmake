connhost_add_test(contacts_sync_tests
  SOURCES profile_sync_test.cpp profile_units_test.cpp
  LIBS connhost_contacts connhost_login connhost_pipeline connhost_sandbox connhost_store
    connhost_config connhost_http connhost_metrics Boost::url Boost::json OpenSSL::Crypto)
add_dependencies(contacts_sync_tests connhost_tiktok connhost_meta connhost_google)

# Sync on sign-in: the browser login's callback (core/server/routes/auth_routes.cpp) hands the
# grant to ServerContext::grant_stored.
connhost_add_test(contacts_signin_tests
  SOURCES profile_signin_test.cpp
  LIBS connhost_contacts connhost_server connhost_beast connhost_pipeline connhost_vault
    connhost_sandbox connhost_metrics Boost::url)
add_dependencies(contacts_signin_tests connhost_google)

# The same sync on PostgreSQL (the `postgres` ctest fixture, tests/support).
connhost_add_test(contacts_sync_postgres_tests
  SOURCES profile_postgres_test.cpp
  LIBS connhost_contacts connhost_login connhost_pipeline connhost_sandbox connhost_store
    connhost_config connhost_http connhost_metrics connhost_test_support Boost::url Boost::json
    OpenSSL::Crypto
  PROPERTIES
    FIXTURES_REQUIRED postgres
    ENVIRONMENT CONNHOST_TEST_PG_CONNINFO_FILE=${CONNHOST_TEST_PG_CONNINFO_FILE})
add_dependencies(contacts_sync_postgres_tests connhost_tiktok connhost_meta connhost_google)
