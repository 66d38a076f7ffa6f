import QtQuick
import "../components"

// Login: what is read and why (shown and spoken), then where the QR is on each card model and
// on the VNeID app, the camera's own picture with the yellow frame, and kind messages.
Item {
    objectName: "screen_login"
    Flickable {
        id: flick
        anchors.top: parent.top
        anchors.bottom: nav.top
        anchors.bottomMargin: units.mm(3)
        width: parent.width
        contentHeight: content.height
        clip: true
        Column {
            id: content
            width: parent.width
            spacing: units.mm(5)
            Heading {
                objectName: "loginTitle"
                text: i18n.t.login_title
            }
            Rectangle {
                objectName: "privacyNotice"
                width: parent.width
                height: privacy.implicitHeight + units.mm(6)
                color: theme.c.surface
                border.color: theme.c.border
                border.width: units.mm(0.5)
                radius: units.mm(2)
                Body {
                    id: privacy
                    anchors.centerIn: parent
                    width: parent.width - units.mm(6)
                    text: i18n.t.login_privacy
                }
            }
            Rectangle {
                objectName: "loginMessage"
                visible: login.message.length > 0
                width: parent.width
                height: msg.implicitHeight + units.mm(6)
                color: login.checking ? theme.c.surface : theme.c.danger
                border.color: theme.c.border
                border.width: login.checking ? units.mm(0.5) : 0
                radius: units.mm(2)
                Body {
                    id: msg
                    anchors.centerIn: parent
                    width: parent.width - units.mm(6)
                    color: login.checking ? theme.c.text : theme.c.danger_text
                    text: login.message
                }
            }
            Grid {
                id: body
                width: parent.width
                columns: 2
                spacing: units.mm(6)
                Rectangle {
                    id: cam
                    width: portrait ? units.mm(130) : units.mm(120)
                    height: width * 0.75
                    color: "#000000"
                    border.color: theme.c.border
                    border.width: units.mm(0.8)
                    Image {
                        objectName: "cameraPreview"
                        anchors.fill: parent
                        anchors.margins: units.mm(1)
                        fillMode: Image.PreserveAspectFit
                        cache: false
                        source: login.preview_url
                        visible: login.preview_url.length > 0
                    }
                    Rectangle {  // the aiming frame
                        anchors.centerIn: parent
                        width: parent.height * 0.6
                        height: width
                        color: "transparent"
                        border.color: "#FFE600"
                        border.width: units.mm(1.2)
                        radius: units.mm(2)
                    }
                }
                Column {
                    width: body.width - cam.width - body.spacing
                    spacing: units.mm(4)
                    Body {
                        objectName: "loginInstructions"
                        text: i18n.t.login_instructions
                    }
                    Body {
                        objectName: "loginCameraHint"
                        color: theme.c.muted
                        text: i18n.t.login_camera_hint
                    }
                }
            }
            Grid {
                id: cards
                width: parent.width
                columns: 2
                spacing: units.mm(6)
                Repeater {
                    model: [
                        { name: "cardCccd2021", image: "../images/card_cccd_2021_front.svg",
                          caption: i18n.t.login_card_2021 },
                        { name: "cardCanCuoc2024", image: "../images/card_cancuoc_2024_back.svg",
                          caption: i18n.t.login_card_2024 }
                    ]
                    Column {
                        required property var modelData
                        objectName: modelData.name
                        width: (cards.width - cards.spacing) / 2
                        spacing: units.mm(2)
                        Image {
                            width: Math.min(parent.width, units.mm(85))
                            height: width * 216 / 340
                            source: modelData.image
                            sourceSize.width: width
                            sourceSize.height: height
                        }
                        Body { text: modelData.caption }
                    }
                }
            }
            Body {
                objectName: "loginVneid"
                text: i18n.t.login_vneid_hint
            }
            Rectangle {
                objectName: "loginTips"
                visible: login.show_tips
                width: parent.width
                height: tips.implicitHeight + units.mm(6)
                color: theme.c.surface
                border.color: theme.c.border
                border.width: units.mm(0.5)
                radius: units.mm(2)
                Body {
                    id: tips
                    anchors.centerIn: parent
                    width: parent.width - units.mm(6)
                    text: i18n.t.login_tips
                }
            }
        }
    }
    ScrollHint { flick: flick }
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        onBack: flow.back()
    }
}
