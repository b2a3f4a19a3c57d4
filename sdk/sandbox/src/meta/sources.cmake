target_sources(connhost_sandbox PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/meta_api.cpp
  ${CMAKE_CURRENT_LIST_DIR}/graph.cpp
  ${CMAKE_CURRENT_LIST_DIR}/auth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/usage.cpp
  ${CMAKE_CURRENT_LIST_DIR}/errors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/oauth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/profile.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ads.cpp
  ${CMAKE_CURRENT_LIST_DIR}/insights_query.cpp
  ${CMAKE_CURRENT_LIST_DIR}/insights_rows.cpp
  ${CMAKE_CURRENT_LIST_DIR}/insights.cpp
  ${CMAKE_CURRENT_LIST_DIR}/messaging.cpp
  ${CMAKE_CURRENT_LIST_DIR}/webhooks.cpp)
