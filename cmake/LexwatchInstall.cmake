# Installation layout and the Debian package (cpack -G DEB).
# With CMAKE_INSTALL_PREFIX=/usr (the package's prefix) GNUInstallDirs puts
# the configuration under /etc.
include(GNUInstallDirs)

set(LEXWATCH_CONF_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/lexwatch)

install(TARGETS lexwatch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/config/lexwatch.toml
        DESTINATION ${LEXWATCH_CONF_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/
        DESTINATION ${LEXWATCH_CONF_DIR}/rules
        FILES_MATCHING PATTERN "*.toml")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/templates/
        DESTINATION ${LEXWATCH_CONF_DIR}/templates
        FILES_MATCHING PATTERN "*.mustache")
install(FILES ${PROJECT_SOURCE_DIR}/systemd/lexwatch.service
        DESTINATION lib/systemd/system)
configure_file(${PROJECT_SOURCE_DIR}/doc/lexwatch.8
               ${PROJECT_BINARY_DIR}/lexwatch.8 @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/lexwatch.8
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Every file under /etc is a conffile: dpkg keeps the administrator's edits.
file(GLOB LEXWATCH_RULE_FILES RELATIVE ${PROJECT_SOURCE_DIR}/rules
     ${PROJECT_SOURCE_DIR}/rules/*.toml)
set(conffiles "${LEXWATCH_CONF_DIR}/lexwatch.toml\n")
foreach(rule IN LISTS LEXWATCH_RULE_FILES)
  string(APPEND conffiles "${LEXWATCH_CONF_DIR}/rules/${rule}\n")
endforeach()
file(GLOB LEXWATCH_TEMPLATE_FILES RELATIVE ${PROJECT_SOURCE_DIR}/config/templates
     ${PROJECT_SOURCE_DIR}/config/templates/*/*.mustache)
foreach(template IN LISTS LEXWATCH_TEMPLATE_FILES)
  string(APPEND conffiles "${LEXWATCH_CONF_DIR}/templates/${template}\n")
endforeach()
file(WRITE ${PROJECT_BINARY_DIR}/debian/conffiles "${conffiles}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lexwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "lexwatch maintainers <postmottak@oslo.kommune.no>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "watches EU/EEA legislation and mails the agencies it affects")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
