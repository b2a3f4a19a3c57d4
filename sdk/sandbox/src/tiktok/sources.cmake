target_sources(connhost_sandbox PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/tiktok_api.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wire.cpp
  ${CMAKE_CURRENT_LIST_DIR}/state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/business_data.cpp
  ${CMAKE_CURRENT_LIST_DIR}/marketing_oauth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/authorize.cpp
  ${CMAKE_CURRENT_LIST_DIR}/login_kit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tt_user.cpp
  ${CMAKE_CURRENT_LIST_DIR}/accounts.cpp
  ${CMAKE_CURRENT_LIST_DIR}/campaigns.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report_request.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reports.cpp
  ${CMAKE_CURRENT_LIST_DIR}/business.cpp
  ${CMAKE_CURRENT_LIST_DIR}/messaging.cpp
  ${CMAKE_CURRENT_LIST_DIR}/media.cpp
  ${CMAKE_CURRENT_LIST_DIR}/webhooks.cpp
  ${CMAKE_CURRENT_LIST_DIR}/faults.cpp)
