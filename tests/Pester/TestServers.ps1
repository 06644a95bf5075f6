# Dot-sourced by tests and benchmarks: starts real servers on free loopback ports and stops them.
#   nginx (Debian /usr/sbin/nginx)       http assets with ETag and Last-Modified
#   s3rver (tests/servers/node_modules)  S3
#   Azurite (tests/servers/node_modules) Azure Blob
#   fault-server.mjs                     a failure injector (503 N times, then 200)
#   docker-registry (Debian)             the Distribution registry (OCI), optionally TLS + htpasswd
#   oci-tamper-proxy.mjs                 a proxy in front of a registry that alters blob bodies
# Each Start-* returns a server object, or $null when the server is not installed: a test then calls
# Skip-WithoutServer, which skips with a message locally and fails under CI=true (DESIGN.md).
# Every server's files (config, logs, data) live in one temp folder that Stop-TestServer removes.

$script:ServersRoot = (Resolve-Path (Join-Path $PSScriptRoot '../servers')).Path
$script:NodeModules = Join-Path $ServersRoot 'node_modules'

# Azurite's documented development account; public by design, not a secret.
$script:AzuriteAccount = 'devstoreaccount1'
$script:AzuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function Get-FreeTcpPort {
    # Port 0 makes the OS choose; the listener is closed before the server binds, a window too
    # small to matter on a test machine.
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function New-ServerDirectory([string] $Name) {
    $dir = Join-Path ([IO.Path]::GetTempPath()) "stacpkg-$Name-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    (New-Item -ItemType Directory -Path $dir).FullName
}

# Waits until something accepts connections on the port; throws with the server's log when the
# process exits first or the time runs out.
function Wait-TcpPort {
    param([int] $Port, [Diagnostics.Process] $Process, [string] $LogPath, [int] $TimeoutSeconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Process.HasExited) {
            $log = if ($LogPath -and (Test-Path -LiteralPath $LogPath)) { Get-Content -LiteralPath $LogPath -Raw } else { '' }
            throw "server process exited with code $($Process.ExitCode) before listening on port ${Port}: $log"
        }
        $client = [Net.Sockets.TcpClient]::new()
        try {
            $client.Connect([Net.IPAddress]::Loopback, $Port)
            return
        }
        catch {
            Start-Sleep -Milliseconds 100
        }
        finally {
            $client.Dispose()
        }
    }
    throw "nothing listened on port $Port within $TimeoutSeconds s"
}

function Resolve-MissingServer([string] $Name, [string] $Why) {
    $message = "$Name is not available ($Why)"
    if ($env:CI -eq 'true') {
        throw "$message; under CI=true every test server must be installed (.ci/run)"
    }
    Write-Warning "$message; its tests are skipped"
    $null
}

# Inside an It: skips (locally) or fails (CI) when the server did not start.
function Skip-WithoutServer {
    param([AllowNull()] $Server, [Parameter(Mandatory)] [string] $Name)
    if ($null -ne $Server) {
        return
    }
    if ($env:CI -eq 'true') {
        throw "$Name is required under CI=true"
    }
    Set-ItResult -Skipped -Because "$Name is not installed on this machine"
}

function Start-ServerProcess {
    param([string] $FilePath, [string[]] $ArgumentList, [string] $Dir, [int] $Port)
    $out = Join-Path $Dir 'stdout.log'
    $err = Join-Path $Dir 'stderr.log'
    $process = Start-Process -FilePath $FilePath -ArgumentList $ArgumentList -WorkingDirectory $Dir `
        -RedirectStandardOutput $out -RedirectStandardError $err -PassThru
    try {
        Wait-TcpPort -Port $Port -Process $process -LogPath $err
    }
    catch {
        if (-not $process.HasExited) { $process.Kill() }
        throw
    }
    $process
}

function Start-TestNginx {
    <#
    Serves -Root (a new temp folder when not given) at http://127.0.0.1:<port>/ with ETag and Last-Modified;
    -AutoIndex lists folders as HTML (what rclone's http backend reads to list a remote).
    #>
    param([string] $Root, [switch] $AutoIndex)
    $nginx = '/usr/sbin/nginx'
    if (-not (Test-Path -LiteralPath $nginx)) {
        return Resolve-MissingServer 'nginx' "$nginx not found; apt-get install nginx"
    }
    $dir = New-ServerDirectory 'nginx'
    if (-not $Root) {
        $Root = (New-Item -ItemType Directory -Path (Join-Path $dir 'root')).FullName
    }
    $port = Get-FreeTcpPort
    # As root, nginx's workers would run as 'nobody' and could not read a private temp folder.
    $user = if ((& id -u) -eq '0') { 'user root root;' } else { '' }
    $conf = @"
daemon off;
$user
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    types { application/octet-stream bin; image/tiff tif; application/json json; }
    default_type application/octet-stream;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$port;
        root $Root;
        etag on;
        autoindex $($AutoIndex ? 'on' : 'off');
        location / { }
        # Static STAC API pages (search, search-page-2, ...) have no extension but are JSON.
        location /stac/ { default_type application/json; }
    }
}
"@
    $confPath = Join-Path $dir 'nginx.conf'
    Set-Content -LiteralPath $confPath -Value $conf
    # -e: nginx opens its error log before reading the config; the default one is not ours to write.
    $process = Start-ServerProcess -FilePath $nginx -ArgumentList @('-p', $dir, '-c', $confPath, '-e', (Join-Path $dir 'error.log')) -Dir $dir -Port $port
    [pscustomobject]@{ Name = 'nginx'; Process = $process; Port = $port; Dir = $dir; Root = $Root; BaseUrl = "http://127.0.0.1:$port" }
}

function Get-NodeServerScript([string] $Package, [string] $Bin) {
    $path = Join-Path $NodeModules "$Package/$Bin"
    if (Test-Path -LiteralPath $path) { $path }
}

function Start-TestS3rver {
    <# s3rver with the given buckets created at start; anonymous and signed requests both work. #>
    param([string[]] $Bucket = @('stacpkg'))
    $script = Get-NodeServerScript 's3rver' 'bin/s3rver.js'
    if (-not $script) {
        return Resolve-MissingServer 's3rver' "not in $NodeModules; npm ci --prefix tests/servers"
    }
    $dir = New-ServerDirectory 's3rver'
    $data = (New-Item -ItemType Directory -Path (Join-Path $dir 'data')).FullName
    $port = Get-FreeTcpPort
    $arguments = @($script, '-d', $data, '-a', '127.0.0.1', '-p', $port, '--silent')
    foreach ($b in $Bucket) { $arguments += @('--configure-bucket', $b) }
    $process = Start-ServerProcess -FilePath 'node' -ArgumentList $arguments -Dir $dir -Port $port
    [pscustomobject]@{
        Name = 's3rver'; Process = $process; Port = $port; Dir = $dir; Buckets = $Bucket
        EndpointUrl = "http://127.0.0.1:$port"
        # s3rver's fixed development credentials: what the AWS chain must find for signed requests.
        Environment = @{ AWS_ACCESS_KEY_ID = 'S3RVER'; AWS_SECRET_ACCESS_KEY = 'S3RVER'; AWS_REGION = 'us-east-1' }
    }
}

function Start-TestAzurite {
    <# Azurite's blob service; -Container names are created at start. #>
    param([string[]] $Container = @('stacpkg'))
    $script = Get-NodeServerScript 'azurite' 'dist/src/blob/main.js'
    if (-not $script) {
        return Resolve-MissingServer 'Azurite' "not in $NodeModules; npm ci --prefix tests/servers"
    }
    $dir = New-ServerDirectory 'azurite'
    $port = Get-FreeTcpPort
    $arguments = @($script, '--blobHost', '127.0.0.1', '--blobPort', $port, '--location', (Join-Path $dir 'data'),
        '--skipApiVersionCheck', '--silent', '--loose')
    $process = Start-ServerProcess -FilePath 'node' -ArgumentList $arguments -Dir $dir -Port $port
    $endpoint = "http://127.0.0.1:$port/$AzuriteAccount"
    $server = [pscustomobject]@{
        Name = 'Azurite'; Process = $process; Port = $port; Dir = $dir; BlobEndpoint = $endpoint
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=$AzuriteAccount;AccountKey=$AzuriteKey;BlobEndpoint=$endpoint;"
    }
    $server | Add-Member -NotePropertyName Sas -NotePropertyValue (New-TestAzureAccountSas)
    foreach ($c in $Container) {
        $null = Invoke-WebRequest -Method Put -Uri "$endpoint/$c`?restype=container&$($server.Sas)"
    }
    $server
}

# An account SAS for Azurite's development account (service version 2019-02-02 string-to-sign), so
# the tests can create containers and blobs with plain HTTP instead of a second Azure client.
function New-TestAzureAccountSas {
    $version = '2019-02-02'
    $expiry = [DateTime]::UtcNow.AddDays(1).ToString('yyyy-MM-ddTHH:mm:ssZ')
    $toSign = "$AzuriteAccount`nracwdl`nb`nsco`n`n$expiry`n`n`n$version`n"
    $hmac = [Security.Cryptography.HMACSHA256]::new([Convert]::FromBase64String($AzuriteKey))
    try {
        $sig = [Convert]::ToBase64String($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($toSign)))
    }
    finally {
        $hmac.Dispose()
    }
    "sv=$version&ss=b&srt=sco&sp=racwdl&se=$([Uri]::EscapeDataString($expiry))&sig=$([Uri]::EscapeDataString($sig))"
}

# The object URL for a key: each path segment escaped, '/' kept.
function Get-EscapedKey([string] $Key) {
    ($Key -split '/' | ForEach-Object { [Uri]::EscapeDataString($_) }) -join '/'
}

function Set-TestS3Object {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Bucket, [Parameter(Mandatory)] [string] $Key, [Parameter(Mandatory)] [byte[]] $Content)
    $null = Invoke-WebRequest -Method Put -Uri "$($Server.EndpointUrl)/$Bucket/$(Get-EscapedKey $Key)" -Body $Content -ContentType 'application/octet-stream'
}

function Remove-TestS3Object {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Bucket, [Parameter(Mandatory)] [string] $Key)
    $null = Invoke-WebRequest -Method Delete -Uri "$($Server.EndpointUrl)/$Bucket/$(Get-EscapedKey $Key)"
}

# The objects under -Prefix (ListObjectsV2, up to 1000), as Key and Size.
function Get-TestS3Listing {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Bucket, [string] $Prefix = '')
    $response = Invoke-WebRequest -Uri "$($Server.EndpointUrl)/$Bucket`?list-type=2&prefix=$([Uri]::EscapeDataString($Prefix))"
    $xml = [xml]$response.Content
    foreach ($entry in @($xml.ListBucketResult.ChildNodes | Where-Object LocalName -EQ 'Contents')) {
        [pscustomobject]@{ Key = $entry.Key; Size = [long]$entry.Size }
    }
}

function Get-TestS3Object {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Bucket, [Parameter(Mandatory)] [string] $Key)
    $response = Invoke-WebRequest -Uri "$($Server.EndpointUrl)/$Bucket/$(Get-EscapedKey $Key)"
    [byte[]]$response.Content
}

function Set-TestAzBlob {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Container, [Parameter(Mandatory)] [string] $Key, [Parameter(Mandatory)] [byte[]] $Content)
    $null = Invoke-WebRequest -Method Put -Uri "$($Server.BlobEndpoint)/$Container/$(Get-EscapedKey $Key)?$($Server.Sas)" `
        -Headers @{ 'x-ms-blob-type' = 'BlockBlob' } -Body $Content -ContentType 'application/octet-stream'
}

# The blobs under -Prefix (List Blobs, up to 5000), as Key and Size.
function Get-TestAzListing {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Container, [string] $Prefix = '')
    $response = Invoke-WebRequest -Uri "$($Server.BlobEndpoint)/$Container`?restype=container&comp=list&prefix=$([Uri]::EscapeDataString($Prefix))&$($Server.Sas)"
    # The body starts with a byte order mark, which [xml] does not take.
    $xml = [xml]($response.Content.TrimStart([char]0xFEFF))
    foreach ($blob in @($xml.EnumerationResults.Blobs.ChildNodes | Where-Object LocalName -EQ 'Blob')) {
        [pscustomobject]@{ Key = $blob.Name; Size = [long]$blob.Properties.'Content-Length' }
    }
}

function Remove-TestAzBlob {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Container, [Parameter(Mandatory)] [string] $Key)
    $null = Invoke-WebRequest -Method Delete -Uri "$($Server.BlobEndpoint)/$Container/$(Get-EscapedKey $Key)?$($Server.Sas)"
}

# Uploads many objects with curl in parallel (one PUT per line of a curl config), for the scale
# tests and the benchmark; -Headers go on every request.
function Send-TestObjectsWithCurl {
    param([Parameter(Mandatory)] [string[]] $File, [Parameter(Mandatory)] [string[]] $Url, [string[]] $Header = @(), [int] $Parallel = 16)
    $config = Join-Path ([IO.Path]::GetTempPath()) "stacpkg-upload-$([guid]::NewGuid().ToString('N')).cfg"
    $lines = [Collections.Generic.List[string]]::new()
    for ($i = 0; $i -lt $File.Count; $i++) {
        $lines.Add("upload-file = `"$($File[$i])`"")
        $lines.Add("url = `"$($Url[$i])`"")
        $lines.Add('output = "/dev/null"')
    }
    # Headers on the command line: in a config file every 'header' line applies to every URL.
    $headerArguments = foreach ($h in $Header) { '-H'; $h }
    [IO.File]::WriteAllLines($config, $lines)
    try {
        # Retries: one dropped connection on a loaded machine should not fail the whole setup.
        & curl -s -S --no-progress-meter -f --retry 5 --retry-all-errors --parallel --parallel-max $Parallel @headerArguments -K $config
        if ($LASTEXITCODE -ne 0) { throw "curl uploads failed with exit code $LASTEXITCODE" }
    }
    finally {
        Remove-Item -LiteralPath $config
    }
}

function Start-TestFaultServer {
    <# Answers -Status to the first -FailCount requests of each path, then 200 with a fixed body of -Size bytes. #>
    param([int] $FailCount = 2, [int] $Status = 503, [int] $Size = 16, [int] $DelayMilliseconds = 0)
    if (-not (Get-Command node -ErrorAction SilentlyContinue)) {
        return Resolve-MissingServer 'fault server' 'node is not on PATH'
    }
    $dir = New-ServerDirectory 'fault'
    $port = Get-FreeTcpPort
    $process = Start-ServerProcess -FilePath 'node' -Dir $dir -Port $port `
        -ArgumentList @((Join-Path $ServersRoot 'fault-server.mjs'), '--port', $port, '--fail', $FailCount, '--status', $Status, '--size', $Size, '--delay', $DelayMilliseconds)
    [pscustomobject]@{ Name = 'fault'; Process = $process; Port = $port; Dir = $dir; BaseUrl = "http://127.0.0.1:$port"; Size = $Size }
}

function New-TestCertificateAuthority {
    <# A CA and a server certificate for 127.0.0.1/localhost signed by it (openssl), in -Dir. #>
    param([Parameter(Mandatory)] [string] $Dir)
    $ext = Join-Path $Dir 'server.ext'
    Set-Content -LiteralPath $ext -Value @(
        'subjectAltName=IP:127.0.0.1,DNS:localhost'
        'basicConstraints=CA:FALSE'
        'keyUsage=digitalSignature,keyEncipherment'
        'extendedKeyUsage=serverAuth'
    )
    $ca = Join-Path $Dir 'ca.crt'
    $caKey = Join-Path $Dir 'ca.key'
    $cert = Join-Path $Dir 'server.crt'
    $key = Join-Path $Dir 'server.key'
    $csr = Join-Path $Dir 'server.csr'
    # Commas keep each step an array of its own (@() would flatten them into one list).
    $steps = @(
        , @('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', $caKey, '-out', $ca, '-days', '2', '-subj', '/CN=stacpkg test CA',
            '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
        , @('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', $key, '-out', $csr, '-subj', '/CN=127.0.0.1')
        , @('x509', '-req', '-in', $csr, '-CA', $ca, '-CAkey', $caKey, '-CAcreateserial', '-out', $cert, '-days', '2', '-extfile', $ext)
    )
    foreach ($step in $steps) {
        $output = & openssl @step 2>&1
        if ($LASTEXITCODE -ne 0) { throw "openssl $($step[0]) failed: $output" }
    }
    [pscustomobject]@{ CaCertificate = $ca; Certificate = $cert; Key = $key }
}

function Start-TestRegistry {
    <#
    The Distribution registry with filesystem storage in a temp folder. -User/-Password: htpasswd
    (bcrypt) basic auth, which needs -Tls: the registry then serves a certificate from a CA made
    here (the server object's CaCertificate). Logs go to the server folder's stderr.log.
    #>
    param([string] $User, [string] $Password, [switch] $Tls)
    $registry = '/usr/bin/docker-registry'
    if (-not (Test-Path -LiteralPath $registry)) {
        return Resolve-MissingServer 'docker-registry' "$registry not found; apt-get install docker-registry"
    }
    if ($Tls -and -not (Get-Command openssl -ErrorAction SilentlyContinue)) {
        return Resolve-MissingServer 'openssl' 'not on PATH; apt-get install openssl'
    }
    if ($User -and -not (Get-Command htpasswd -ErrorAction SilentlyContinue)) {
        return Resolve-MissingServer 'htpasswd' 'not on PATH; apt-get install apache2-utils'
    }
    $dir = New-ServerDirectory 'registry'
    $data = (New-Item -ItemType Directory -Path (Join-Path $dir 'data')).FullName
    $port = Get-FreeTcpPort
    $tlsConfig = ''
    $auth = ''
    $certificates = $null
    if ($Tls) {
        $certificates = New-TestCertificateAuthority -Dir $dir
        $tlsConfig = "  tls:`n    certificate: $($certificates.Certificate)`n    key: $($certificates.Key)"
    }
    if ($User) {
        $htpasswd = Join-Path $dir 'htpasswd'
        # -B: bcrypt, the only hash the registry accepts.
        $entry = & htpasswd -Bbn $User $Password
        if ($LASTEXITCODE -ne 0) { throw "htpasswd failed with exit code $LASTEXITCODE" }
        Set-Content -LiteralPath $htpasswd -Value $entry
        $auth = "auth:`n  htpasswd:`n    realm: stacpkg-test`n    path: $htpasswd"
    }
    $config = @"
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: stacpkg-test-$([guid]::NewGuid().ToString('N'))
$tlsConfig
$auth
"@
    $configPath = Join-Path $dir 'config.yml'
    Set-Content -LiteralPath $configPath -Value $config
    $process = Start-ServerProcess -FilePath $registry -ArgumentList @('serve', $configPath) -Dir $dir -Port $port
    [pscustomobject]@{
        Name = 'docker-registry'; Process = $process; Port = $port; Dir = $dir; Data = $data
        Host = "127.0.0.1:$port"; BaseUrl = "$(if ($Tls) { 'https' } else { 'http' })://127.0.0.1:$port"
        CaCertificate = $(if ($certificates) { $certificates.CaCertificate }); Log = (Join-Path $dir 'stderr.log')
    }
}

function Start-TestTamperProxy {
    <# A proxy to -Registry (plain http) that flips a byte of every blob body it relays, or of the first -Times (tests/servers/oci-tamper-proxy.mjs). #>
    param([Parameter(Mandatory)] $Registry, [int] $Times = -1)
    if (-not (Get-Command node -ErrorAction SilentlyContinue)) {
        return Resolve-MissingServer 'tamper proxy' 'node is not on PATH'
    }
    $dir = New-ServerDirectory 'tamper'
    $port = Get-FreeTcpPort
    $process = Start-ServerProcess -FilePath 'node' -Dir $dir -Port $port `
        -ArgumentList (@((Join-Path $ServersRoot 'oci-tamper-proxy.mjs'), '--port', $port, '--upstream', $Registry.Port) + @(if ($Times -ge 0) { '--times', $Times }))
    [pscustomobject]@{ Name = 'tamper'; Process = $process; Port = $port; Dir = $dir; Host = "127.0.0.1:$port" }
}

function Start-TestFaultProxy {
    <#
    A proxy in front of -Upstream (a test server's base URL) that answers a share -Rate of the requests
    with a reset, a 503, a truncated body or a stall of -StallMilliseconds, and a share -CorruptRate of
    the GETs with one byte of the body flipped (fault-proxy.mjs).
    #>
    param([Parameter(Mandatory)] [string] $Upstream, [double] $Rate = 0.1, [double] $CorruptRate = 0, [int] $Seed = 1, [int] $StallMilliseconds = 3000, [int] $MaxConsecutive = 3)
    if (-not (Get-Command node -ErrorAction SilentlyContinue)) {
        return Resolve-MissingServer 'fault proxy' 'node is not on PATH'
    }
    $dir = New-ServerDirectory 'fault-proxy'
    $port = Get-FreeTcpPort
    $invariant = [Globalization.CultureInfo]::InvariantCulture
    $process = Start-ServerProcess -FilePath 'node' -Dir $dir -Port $port -ArgumentList @(
        (Join-Path $ServersRoot 'fault-proxy.mjs'), '--port', $port, '--upstream', $Upstream, '--rate', $Rate.ToString($invariant),
        '--corrupt', $CorruptRate.ToString($invariant), '--seed', $Seed, '--stall', $StallMilliseconds, '--max-consecutive', $MaxConsecutive)
    [pscustomobject]@{ Name = 'fault-proxy'; Process = $process; Port = $port; Dir = $dir; BaseUrl = "http://127.0.0.1:$port" }
}

# The proxy's counts ({rate, corrupt, requests, faults}); -Rate and -CorruptRate set new rates first.
function Get-TestFaultProxyCount {
    param([Parameter(Mandatory)] $Proxy, [double] $Rate, [double] $CorruptRate)
    $invariant = [Globalization.CultureInfo]::InvariantCulture
    $set = @(
        if ($PSBoundParameters.ContainsKey('Rate')) { "rate=$($Rate.ToString($invariant))" }
        if ($PSBoundParameters.ContainsKey('CorruptRate')) { "corrupt=$($CorruptRate.ToString($invariant))" }
    )
    if ($set) {
        return Invoke-RestMethod -Method Post -Uri "$($Proxy.BaseUrl)/__faults?$($set -join '&')"
    }
    Invoke-RestMethod -Uri "$($Proxy.BaseUrl)/__faults"
}

function Stop-TestServer {
    param([AllowNull()] [object[]] $Server)
    foreach ($s in $Server) {
        if ($null -eq $s) { continue }
        $p = $s.Process
        if (-not $p.HasExited) {
            # SIGTERM, not Kill: nginx's master must take its workers down with it.
            & kill -TERM $p.Id 2>$null
            if (-not $p.WaitForExit(10000)) {
                $p.Kill($true)
            }
        }
        if (Test-Path -LiteralPath $s.Dir) {
            Remove-Item -LiteralPath $s.Dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
