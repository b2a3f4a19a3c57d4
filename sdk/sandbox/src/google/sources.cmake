target_sources(connhost_sandbox PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/google_api.cpp
  ${CMAKE_CURRENT_LIST_DIR}/oauth_authorize.cpp
  ${CMAKE_CURRENT_LIST_DIR}/oauth_token.cpp
  ${CMAKE_CURRENT_LIST_DIR}/oidc.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ads_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ads_search.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ads_errors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ads_query.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ads_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gaql.cpp
  ${CMAKE_CURRENT_LIST_DIR}/util.cpp)
