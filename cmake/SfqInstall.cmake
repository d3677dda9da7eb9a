# Installs the library, its public headers, the CLI and an exported CMake
# package so that `find_package(sfq)` works from the install prefix.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS libsfq EXPORT sfqTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/sfq DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS sfq mock-snowflake RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The sanitizer trees build the emulator as a shared library (mock_snowflake/CMakeLists.txt):
# installed beside libsfq, where the installed programs look for it.
get_target_property(_sfq_mock_type mock_snowflake TYPE)
if(_sfq_mock_type STREQUAL "SHARED_LIBRARY")
  install(TARGETS mock_snowflake LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set_target_properties(sfq mock-snowflake PROPERTIES
                        INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
endif()

set(SFQ_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/sfq)
install(EXPORT sfqTargets NAMESPACE sfq:: DESTINATION ${SFQ_CMAKE_DIR})
configure_package_config_file(cmake/sfqConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/sfqConfig.cmake
                              INSTALL_DESTINATION ${SFQ_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/sfqConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sfqConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/sfqConfigVersion.cmake
        DESTINATION ${SFQ_CMAKE_DIR})
