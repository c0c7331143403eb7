# SPDX-License-Identifier: BSD-2-Clause
# Tests of the systemd/udev files and of the client commands, included by
# tests/daemon/CMakeLists.txt.  Every script reports a missing tool as
# skipped (exit 77), never as passed.  Work files stay in the build tree.
#
#   hipformd_unit_verify      systemd-analyze verify, no output allowed
#   hipformd_unit_security    systemd-analyze security exposure <= 2.0
#   hipformd_sysusers         sysusers.d and tmpfiles.d on a scratch root
#   hipformd_udev_rules       udev rule syntax, VID:PIDs match the config
#   hipformd_conf_example     the example config has every key and loads
#   hipform_client_cli        status/watch/summary/history against a fake
#                             daemon (socat serving canned messages)
#   hipform_demo              `hipform demo` end to end, fast, no root needed
#   hipformd_systemd_service  the unit under a real systemd in namespaces

set(HF_SYSTEMD_SRC "${CMAKE_SOURCE_DIR}/systemd")
set(HF_SYSTEMD_WORK "${CMAKE_BINARY_DIR}/tests/daemon/systemd-work")
set(HF_SYSTEMD_CHECKS "${CMAKE_CURRENT_LIST_DIR}/systemd_checks.sh")

if(TARGET hipformd)
  set(HF_TEST_HIPFORMD "${HF_EXE_HIPFORMD}")
else()
  set(HF_TEST_HIPFORMD "/bin/true")  # the static checks only need an executable
endif()

add_test(NAME hipformd_unit_verify
  COMMAND "${HF_SYSTEMD_CHECKS}" verify "${HF_SYSTEMD_WORK}"
          "${HF_SYSTEMD_SRC}/hipformd.service.in" "${HF_TEST_HIPFORMD}")
add_test(NAME hipformd_unit_security
  COMMAND "${HF_SYSTEMD_CHECKS}" security "${HF_SYSTEMD_WORK}"
          "${HF_SYSTEMD_SRC}/hipformd.service.in" "${HF_TEST_HIPFORMD}" 2.0)
add_test(NAME hipformd_sysusers
  COMMAND "${HF_SYSTEMD_CHECKS}" sysusers "${HF_SYSTEMD_WORK}"
          "${HF_SYSTEMD_SRC}/hipform-sysusers.conf" "${HF_SYSTEMD_SRC}/hipform-tmpfiles.conf")
add_test(NAME hipformd_udev_rules
  COMMAND "${HF_SYSTEMD_CHECKS}" udev "${HF_SYSTEMD_WORK}"
          "${HF_SYSTEMD_SRC}/60-hipform.rules" "${HF_SYSTEMD_SRC}/hipformd.conf.example")
set_tests_properties(hipformd_unit_verify hipformd_unit_security hipformd_sysusers
                     hipformd_udev_rules
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60 LABELS systemd)

add_test(NAME hipform_client_cli
  COMMAND "${CMAKE_CURRENT_LIST_DIR}/client_test.sh"
          "${CMAKE_BINARY_DIR}/tests/daemon/client-work" "${HF_EXE_HIPFORM}")
set_tests_properties(hipform_client_cli PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)

if(TARGET hipformd)
  add_test(NAME hipformd_conf_example
    COMMAND "${HF_SYSTEMD_CHECKS}" conf "${HF_SYSTEMD_WORK}"
            "${HF_SYSTEMD_SRC}/hipformd.conf.example" "${HF_EXE_HIPFORMD}")
  set_tests_properties(hipformd_conf_example PROPERTIES TIMEOUT 60)
  add_test(NAME hipform_demo
    COMMAND "${CMAKE_CURRENT_LIST_DIR}/demo_test.sh"
            "${CMAKE_BINARY_DIR}/tests/daemon/demo-work"
            "${HF_EXE_HIPFORM}" "${HF_EXE_HIPFORMD}")
  set_tests_properties(hipform_demo PROPERTIES TIMEOUT 240)
  add_test(NAME hipformd_systemd_service
    COMMAND "${CMAKE_CURRENT_LIST_DIR}/systemd_service_test.sh"
            "${CMAKE_BINARY_DIR}/tests/daemon/systemd-service"
            "${HF_SYSTEMD_SRC}/hipformd.service.in"
            "${HF_SYSTEMD_SRC}/hipform-sysusers.conf"
            "${HF_SYSTEMD_SRC}/hipform-tmpfiles.conf"
            "${HF_EXE_HIPFORMD}" "${HF_EXE_HIPFORM}")
  # A real systemd boots, so nothing else may run beside it that depends on
  # the machine's state; its own time bound is 120 s.
  set_tests_properties(hipformd_systemd_service PROPERTIES
    SKIP_RETURN_CODE 77 TIMEOUT 180 RUN_SERIAL TRUE LABELS systemd)
  if(HF_SANITIZE OR HF_LIBFUZZER)
    # LeakSanitizer cannot stop the world under the unit's system call
    # filter (it reports "does not work under ptrace"); the other daemon
    # tests check hipformd for leaks, this one checks the rest under ASan
    set_tests_properties(hipformd_systemd_service PROPERTIES
      ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
  endif()
endif()
