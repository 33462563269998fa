# install(): libtls12 (shared, and static when TLS12_INSTALL_STATIC is on), the public headers
# under include/tls12/, a CMake package (find_package(tls12): tls12::tls12, tls12::tls12_static)
# and a pkg-config file. Components: shared, static, and devel (headers, CMake and pkg-config
# files), so a prefix can hold the static library alone (`cmake --install build --component ...`).
include(CMakePackageConfigHelpers)
set(TLS12_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tls12)

if(TLS12_BUILD_SHARED)
  if(TARGET tls12_asio)
    install(TARGETS tls12_asio EXPORT tls12SharedTargets)
  endif()
  install(TARGETS tls12 EXPORT tls12SharedTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT shared)
  install(EXPORT tls12SharedTargets NAMESPACE tls12:: DESTINATION ${TLS12_CMAKE_DIR}
          COMPONENT shared)
endif()
if(TLS12_INSTALL_STATIC OR NOT TLS12_BUILD_SHARED)
  install(TARGETS tls12_static EXPORT tls12StaticTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT static)
  install(EXPORT tls12StaticTargets NAMESPACE tls12:: DESTINATION ${TLS12_CMAKE_DIR}
          COMPONENT static)
endif()

# The public headers, and only those (tls12_public_headers.cmake lists them).
include(${PROJECT_SOURCE_DIR}/cmake/public_headers.cmake)
set(installed_headers ${TLS12_PUBLIC_HEADERS})
if(TARGET tls12_asio)
  list(APPEND installed_headers ${TLS12_ASIO_PUBLIC_HEADERS})
endif()
foreach(header ${installed_headers})
  get_filename_component(dir ${header} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${header}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tls12/${dir} COMPONENT devel)
endforeach()

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tls12Config.cmake.in
  ${PROJECT_BINARY_DIR}/tls12Config.cmake INSTALL_DESTINATION ${TLS12_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tls12ConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tls12Config.cmake ${PROJECT_BINARY_DIR}/tls12ConfigVersion.cmake
        DESTINATION ${TLS12_CMAKE_DIR} COMPONENT devel)

# pkg-config: the prefix is found from where the .pc file lies (${pcfiledir}), so the file is
# right wherever the tree is installed (cmake --install --prefix, DESTDIR, a moved tree).
set(TLS12_PC_TO_PREFIX "..")
string(REGEX MATCHALL "[^/]+" libdir_parts "${CMAKE_INSTALL_LIBDIR}")
foreach(part ${libdir_parts})
  string(APPEND TLS12_PC_TO_PREFIX "/..")
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/tls12.pc.in ${PROJECT_BINARY_DIR}/tls12.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tls12.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT devel)
