; Inno Setup 6.3+ script: the Windows installer of Kế hoạch Desktop.
;
; Built on Windows by   python packaging\make_dist.py --installer
; which runs PyInstaller first, then
;   ISCC /DAppVersion=<kehoach_desktop.__version__> /DBundleDir=<the bundle folder> /O<out> packaging\windows\kehoach.iss
;
; Needs the unofficial Vietnamese translation of Inno Setup's own messages, Languages\Vietnamese.isl in the
; Inno Setup folder (https://jrsoftware.org/files/istrans/): Inno Setup does not ship it. This file is UTF-8
; without a BOM, which Inno Setup reads from version 6.3 on (as it does the x64compatible identifier).
; It cannot be compiled or tried on the Linux build machine: see the README, "Packaging", for what was checked.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=0.1.0 ... (python packaging\make_dist.py --installer does it)
#endif
#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\..\dist\KeHoachDesktop-" + AppVersion + "-windows-x86_64"
#endif
#ifnexist AddBackslash(CompilerPath) + "Languages\Vietnamese.isl"
  #error Languages\Vietnamese.isl is missing from the Inno Setup folder: download it from https://jrsoftware.org/files/istrans/
#endif

#define AppName "Kế hoạch Desktop"
#define AppExeName "KeHoachDesktop.exe"
; ProgIDs of the two kinds of package (HKA\Software\Classes\<ProgID>)
#define SyncProgId "KeHoachDesktop.khsync"
#define TemplateProgId "KeHoachDesktop.khtemplate"

[Setup]
; The AppId identifies the program for upgrades and the uninstaller: never change it.
AppId={{ED500EEB-5103-4DE4-86E9-D41D9A96A1B3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\KeHoachDesktop
DisableProgramGroupPage=yes
; Offices without administrator rights can still install for themselves (HKCU, %LOCALAPPDATA%\Programs).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SetupIconFile=..\..\resources\icons\kehoach.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
OutputBaseFilename=KeHoachDesktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Vietnamese first and preselected; the dialog lets an office choose English.
LanguageDetectionMethod=none
ShowLanguageDialog=yes

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
vi.SyncFileType=Gói đồng bộ Kế hoạch Desktop
en.SyncFileType=Kế hoạch Desktop sync package
vi.TemplateFileType=Gói mẫu kế hoạch Kế hoạch Desktop
en.TemplateFileType=Kế hoạch Desktop plan template package

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller one-folder bundle: KeHoachDesktop.exe (windowed), kehoach.exe (console twin
; for the command line) and _internal\. No portable.txt: an installed copy keeps its data in the
; user's %LOCALAPPDATA%\KeHoachDesktop.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; Tasks: desktopicon

[Registry]
; File associations, per user or per machine with the install mode (HKA): a double-click on a .khsync or
; .khtemplate file runs KeHoachDesktop.exe "<file>", which opens the workspace and offers to import it.
Root: HKA; Subkey: "Software\Classes\.khsync\OpenWithProgids"; ValueType: string; ValueName: "{#SyncProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#SyncProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:SyncFileType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#SyncProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExeName},0"
Root: HKA; Subkey: "Software\Classes\{#SyncProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.khtemplate\OpenWithProgids"; ValueType: string; ValueName: "{#TemplateProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#TemplateProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:TemplateFileType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#TemplateProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExeName},0"
Root: HKA; Subkey: "Software\Classes\{#TemplateProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""
; The extensions' default ProgID: no other program claims these extensions.
Root: HKA; Subkey: "Software\Classes\.khsync"; ValueType: string; ValueName: ""; ValueData: "{#SyncProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.khtemplate"; ValueType: string; ValueName: ""; ValueData: "{#TemplateProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExeName}\SupportedTypes"; ValueType: string; ValueName: ".khsync"; ValueData: ""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExeName}\SupportedTypes"; ValueType: string; ValueName: ".khtemplate"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
