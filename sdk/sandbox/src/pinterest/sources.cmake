target_sources(connhost_sandbox PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/pinterest_api.cpp)
