connhost_add_test(contacts_sync_tests
  SOURCES profile_sync_test.cpp profile_units_test.cpp
  LIBS connhost_contacts connhost_login connhost_pipeline connhost_sandbox connhost_store
    connhost_config connhost_http connhost_metrics Boost::url Boost::json OpenSSL::Crypto)
add_dependencies(contacts_sync_tests connhost_tiktok connhost_meta connhost_google)
