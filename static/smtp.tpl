<!doctype html>
<!-- E-mail body for the Go otpgateway v3 config.sample.toml (template = "static/smtp.tpl"),
     in the Go template syntax that config uses: the gateway maps .OTP, .To, .Namespace,
     .ChannelName and .OTPURL to its own variables and HTML-escapes the values. -->
<html>
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width">
  <title>{{ .Namespace }}: {{ .ChannelName }} verification</title>
</head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Helvetica,Arial,sans-serif;color:#222;">
  <div style="max-width:460px;margin:0 auto;background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:28px;">
    <p style="margin:0 0 6px;font-size:13px;color:#666;">{{ .Namespace }}</p>
    <h2 style="margin:0 0 18px;font-size:19px;">Verify your {{ .ChannelName }}</h2>
    <p style="margin:0 0 18px;font-size:15px;line-height:1.5;">Someone asked to verify {{ .To }}. Your verification code is:</p>
    <p style="margin:0 0 22px;font-size:30px;font-weight:bold;letter-spacing:6px;font-family:Menlo,Consolas,monospace;">{{ .OTP }}</p>
    <p style="margin:0 0 22px;font-size:15px;line-height:1.5;">You can also verify with one click:<br>
      <a href="{{ .OTPURL }}" style="color:#1a64c8;">{{ .OTPURL }}</a></p>
    <p style="margin:0;font-size:13px;line-height:1.5;color:#666;">If you did not ask for this code, you can ignore this e-mail.</p>
  </div>
</body>
</html>
