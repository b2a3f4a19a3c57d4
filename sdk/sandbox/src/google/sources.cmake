target_sources(connhost_sandbox PRIVATE ${CMAKE_CURRENT_LIST_DIR}/google_api.cpp)
