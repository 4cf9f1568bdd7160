# Outlook contact reader for the myApps local phone book (electron/phonebook/sources/outlook.ts).
# Run:  powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File native\win\outlook-search.ps1
# Walks ALL contact folders of ALL Outlook stores through COM (Outlook.Application / MAPI) and prints
# one JSON object on stdout (UTF-8; format: docs/phonebook.md, parser: native/win/outlook-parser.ts):
#   {"version":1,"folders":[{"path","count"}],"contacts":[{"folder","FirstName","LastName","FullName",
#     "CompanyName","Department","JobTitle","BusinessTelephoneNumber","Business2TelephoneNumber",
#     "HomeTelephoneNumber","Home2TelephoneNumber","MobileTelephoneNumber","BusinessFaxNumber"}],
#    "errors":[{"where","message"}]}
#   {"version":1,"error":"outlook-unavailable","message":"…"}
# E-mail addresses are not read: that would trigger Outlook's "a program is trying to access
# e-mail address information" security prompt on machines without an up-to-date antivirus.
$ErrorActionPreference = 'Stop'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

$contacts = New-Object System.Collections.ArrayList
$folders = New-Object System.Collections.ArrayList
$errors = New-Object System.Collections.ArrayList
$olContactItem = 2      # OlItemType: folder default item type
$olContact = 40         # OlObjectClass: ContactItem (distribution lists are 69)

function Add-Error($where, $err) {
  [void]$script:errors.Add([ordered]@{ where = [string]$where; message = [string]$err.Exception.Message })
}

function Visit-Folder($folder, $depth) {
  if ($depth -gt 12) { return }
  try {
    if ($folder.DefaultItemType -eq $olContactItem) {
      $n = 0
      foreach ($item in $folder.Items) {
        try {
          if ($item.Class -ne $olContact) { continue }
          [void]$script:contacts.Add([ordered]@{
            folder = [string]$folder.FolderPath
            FirstName = $item.FirstName
            LastName = $item.LastName
            FullName = $item.FullName
            CompanyName = $item.CompanyName
            Department = $item.Department
            JobTitle = $item.JobTitle
            BusinessTelephoneNumber = $item.BusinessTelephoneNumber
            Business2TelephoneNumber = $item.Business2TelephoneNumber
            HomeTelephoneNumber = $item.HomeTelephoneNumber
            Home2TelephoneNumber = $item.Home2TelephoneNumber
            MobileTelephoneNumber = $item.MobileTelephoneNumber
            BusinessFaxNumber = $item.BusinessFaxNumber
          })
          $n++
        } catch { Add-Error $folder.FolderPath $_ }
      }
      [void]$script:folders.Add([ordered]@{ path = [string]$folder.FolderPath; count = $n })
    }
    foreach ($sub in $folder.Folders) { Visit-Folder $sub ($depth + 1) }
  } catch { Add-Error $folder.FolderPath $_ }
}

try {
  $outlook = New-Object -ComObject Outlook.Application
  $ns = $outlook.GetNamespace('MAPI')
} catch {
  [ordered]@{ version = 1; error = 'outlook-unavailable'; message = [string]$_.Exception.Message } | ConvertTo-Json -Compress
  exit 0
}

foreach ($store in $ns.Stores) {
  try { Visit-Folder $store.GetRootFolder() 0 } catch { Add-Error $store.DisplayName $_ }
}

[ordered]@{ version = 1; folders = $folders; contacts = $contacts; errors = $errors } | ConvertTo-Json -Depth 4 -Compress
