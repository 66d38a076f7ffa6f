import QtQuick
import "../components"

Item {
    objectName: "screen_login"
    Heading {
        id: title
        text: i18n.t.login_title
    }
    Grid {
        id: body
        anchors.top: title.bottom
        anchors.topMargin: units.mm(6)
        width: parent.width
        columns: portrait ? 1 : 2
        spacing: units.mm(8)
        Rectangle {
            id: cam
            width: units.mm(120)
            height: units.mm(90)
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
            width: portrait ? body.width : body.width - cam.width - body.spacing
            spacing: units.mm(5)
            Image {
                objectName: "cardPicture"
                width: units.mm(85)
                height: units.mm(54)
                source: "../images/cccd_card.svg"
                sourceSize.width: width
                sourceSize.height: height
            }
            Body { text: i18n.t.login_instructions }
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
    NavBar {
        anchors.bottom: parent.bottom
        width: parent.width
        onBack: flow.back()
    }
}
