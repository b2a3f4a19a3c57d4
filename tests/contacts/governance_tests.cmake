connhost_add_test(contacts_governance_tests
  SOURCES governance_test.cpp
  LIBS connhost_contacts connhost_inbox connhost_server connhost_beast connhost_login
    connhost_pipeline connhost_sandbox connhost_store connhost_config connhost_http
    connhost_metrics Boost::url OpenSSL::Crypto)
add_dependencies(contacts_governance_tests connhost_tiktok connhost_meta connhost_google)
