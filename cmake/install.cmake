# install(): libraries, headers, an exported CMake package (find_package(tls12)) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS tls12 tls12_crypto tls12_x509 tls12_tls tls12_net
        EXPORT tls12Targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tls12)
foreach(layer crypto x509 tls net)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tls12
          FILES_MATCHING PATTERN "*.h")
endforeach()

install(EXPORT tls12Targets NAMESPACE tls12:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tls12)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tls12Config.cmake.in
  ${PROJECT_BINARY_DIR}/tls12Config.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tls12)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tls12ConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tls12Config.cmake ${PROJECT_BINARY_DIR}/tls12ConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tls12)

configure_file(${PROJECT_SOURCE_DIR}/cmake/tls12.pc.in ${PROJECT_BINARY_DIR}/tls12.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tls12.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
