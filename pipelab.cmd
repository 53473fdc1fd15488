@echo off
rem The pipelab command on Windows. Finds a JDK >= 21 by itself (JAVA_HOME, then the usual install
rem folders, then java on the PATH), builds the jars with Maven when they are missing, then runs
rem the CLI. Usage: pipelab demo ^| serve ^| send ^| compare ^| --help
rem After changing the sources, run "mvn -DskipTests package" (or delete cli\target) to rebuild.
setlocal EnableDelayedExpansion
set "root=%~dp0"
set "jar=%root%cli\target\pipelab-cli.jar"
set "java_home="

if defined JAVA_HOME call :consider "%JAVA_HOME%"
for /d %%h in ("%ProgramFiles%\Eclipse Adoptium\jdk-*" "%ProgramFiles%\Java\jdk-*" "%ProgramFiles%\Microsoft\jdk-*" "%ProgramFiles%\Zulu\zulu*" "%ProgramFiles%\Amazon Corretto\jdk*" "%USERPROFILE%\.jdks\*") do (
  if not defined java_home call :consider "%%~h"
)
if not defined java_home (
  for /f "delims=" %%j in ('where java 2^>nul') do if not defined java_home call :consider "%%~dpj.."
)
if not defined java_home (
  echo pipelab: no JDK 21 or newer found ^(looked at JAVA_HOME, %ProgramFiles% and the PATH^). 1>&2
  echo pipelab: install one, e.g. "winget install EclipseAdoptium.Temurin.21.JDK", and run this again. 1>&2
  exit /b 1
)

if not exist "%jar%" (
  where mvn >nul 2>nul || (
    echo pipelab: Maven ^(mvn^) is needed to build PipeLab the first time; install it and run this again. 1>&2
    exit /b 1
  )
  echo pipelab: building the jars ^(first run; tests skipped^)... 1>&2
  pushd "%root%"
  call mvn -B -q -DskipTests package || (popd & echo pipelab: the build failed 1>&2 & exit /b 1)
  popd
)

rem PIPELAB_JAVA_OPTS adds JVM options, e.g. -Dorg.slf4j.simpleLogger.defaultLogLevel=debug
"%java_home%\bin\java.exe" --enable-native-access=ALL-UNNAMED -Dguice_bytecode_gen_option=DISABLED %PIPELAB_JAVA_OPTS% -jar "%jar%" %*
exit /b %ERRORLEVEL%

rem Takes %1 as the JDK if its release file says version 21 or newer.
:consider
set "home=%~f1"
if not exist "%home%\bin\java.exe" exit /b 0
if not exist "%home%\release" exit /b 0
set "version="
for /f "tokens=2 delims==" %%v in ('findstr /b "JAVA_VERSION=" "%home%\release"') do set "version=%%~v"
if not defined version exit /b 0
for /f "delims=." %%m in ("%version%") do set "major=%%m"
if !major! GEQ 21 set "java_home=%home%"
exit /b 0
