connhost_add_test(contacts_api_tests
  SOURCES contacts_api_test.cpp
  LIBS connhost_contacts connhost_server connhost_beast connhost_pipeline connhost_sandbox
    connhost_store connhost_config connhost_http connhost_metrics Boost::url OpenSSL::Crypto)
add_dependencies(contacts_api_tests connhost connhost_tiktok connhost_meta connhost_google)
target_compile_definitions(contacts_api_tests PRIVATE CONNHOST_BIN="$<TARGET_FILE:connhost>")

# The read side and the export on PostgreSQL.
connhost_add_test(contacts_query_postgres_tests
  SOURCES contacts_query_postgres_test.cpp
  LIBS connhost_contacts connhost_store connhost_test_support
  PROPERTIES
    FIXTURES_REQUIRED postgres
    ENVIRONMENT CONNHOST_TEST_PG_CONNINFO_FILE=${CONNHOST_TEST_PG_CONNINFO_FILE})
